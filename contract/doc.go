// Package contract holds only tests: groupdeck's WhatsApp client (package
// whatsapp) driven against the simulator (package wasim) over real HTTP,
// endpoint by endpoint, with every webhook the simulator emits verified with
// the client's signature check and parsed with the client's webhook types.
//
// The two packages were written independently from the same description
// of the API (docs/cloud-api.md), so a disagreement here means one side
// misread it.
package contract
