// Package wasim is an in-process simulator of the WhatsApp Cloud API Groups
// API as described in docs/cloud-api.md. It is written from that description
// alone, independently of groupdeck's client, so the two can catch each
// other's misreadings.
//
// A Server is an http.Handler serving the Graph endpoints under any
// "/vNN.N" prefix (or none), a state model of groups, participants, join
// requests, invite links, pins and media, simulated WhatsApp users, and a
// single-worker queue that POSTs signed webhooks (X-Hub-Signature-256) to the
// app with Meta-like retries. Async operations (create, delete, settings,
// participant removal) change state only when their webhook is emitted,
// after Config.WebhookDelay.
//
// Choices where docs/cloud-api.md says "(inferred)" or lists variants:
//   - create, settings update and participant removal answer
//     {"messaging_product","request_id"}; delete answers {"success":true}
//     (Config.DeleteReturnsRequestID adds request_id).
//   - join-request approval adds the user at once; partial success is HTTP
//     206 with top-level 131201, unknown IDs fail per item with 131213, a
//     full group per item with 131204; if nothing succeeds the answer is 200
//     with failed_join_requests and top-level 131000.
//   - removal failures are per item 131212 plus top-level 131201 when
//     others were removed, else top-level 131212 and no removed_participants.
//   - settings: a non-JPEG or >5 MB photo fails the request (100); aspect
//     (131209) and size (131210) problems fail that setting in the webhook
//     (top-level 131201 if other settings succeeded, else the setting's own
//     error), or the request when Config.SyncPhotoErrors is set.
//   - Config.CreationDisabled answers 131214; Config.FailCreates accepts
//     creations and reports failure in group_create (errors[] and, like
//     Meta's sample, a group_id that names no group).
//   - 131208 carries Retry-After: seconds until the oldest counted group
//     operation leaves Config.OpsWindow. Config.MessagesPerSecond (130429)
//     and Config.PairBurst/PairInterval (131056, per recipient: a group
//     counts as one) limit sends and name no Retry-After.
//   - a suspended group answers 131207 (403) to everything except
//     GET /{group}, which is how the app sees "suspended": true.
//   - pricing: text/media/sticker → group_service; templates whose name
//     contains "marketing", "promo" or "offer" → group_marketing, other
//     templates → group_utility. Type is free_group_customer_service inside
//     the group's 24h window (opened by any participant message) unless the
//     category is group_marketing, else regular. Pricing rides on each
//     participant's first delivered-or-read status.
//   - with Config.BSUID, users marked PhoneHidden are identified by user_id
//     alone: wa_id, from and recipient_participant_id are left out.
//   - 1:1 sends to unknown numbers register them as simulated users, so an
//     invite-link template can be followed by a tap from the /_sim API.
//
// The /_sim/ endpoints on the same handler are an unauthenticated test hook
// and must never be exposed publicly. JSON in, JSON out; refusals by the
// simulated world are HTTP 409 {"error": "..."}:
//
//	POST /_sim/users   {wa_id, name, user_id?, username?, phone_hidden?} → User
//	GET  /_sim/users                                         → [User]
//	POST /_sim/tap     {wa_id, link}                         → {result}
//	POST /_sim/cancel  {wa_id, group_id}
//	POST /_sim/leave   {wa_id, group_id}
//	POST /_sim/say     {wa_id, group_id, type: text|image|unsupported, text} → {message_id}
//	POST /_sim/read    {wa_id, message_id}
//	GET  /_sim/inbox?wa_id=                                  → [InboxItem]
//	POST /_sim/suspend {group_id, suspended}
//	GET  /_sim/groups[?wa_id=]                               → [GroupState]
//	GET  /_sim/sent                                          → [SentMessage]
//	GET  /_sim/pending                                       → {pending}
//	GET  /_sim/config, POST /_sim/config {switches, *_ms durations} → current switches
//	POST /_sim/force   {op: add|remove|subject|delete, group_id, wa_id?, name?, subject?}
//	POST /_sim/verify  {verify_token}   (runs the hub.challenge handshake)
//
// Media download URLs returned by GET /{media_id} are served at
// /_media/{id} and, like Meta's, need the bearer token.
package wasim
