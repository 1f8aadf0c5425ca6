// Package security holds only tests: they start the real groupdeck (app.New
// in sandbox mode) and attack its real router — CSRF and roles on every
// state-changing route found in echo's route table, escaping of hostile
// text, webhook signatures and replays, body limits, static path escapes,
// session renewal at sign-in, login throttling and security headers.
package security
