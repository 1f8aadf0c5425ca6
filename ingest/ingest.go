// Package ingest applies Cloud API webhook deliveries to the store.
//
// Every delivery is stored raw before it is applied, in the same
// transaction. Each change inside it gets a de-duplication key, so a
// delivery Meta retries changes nothing the second time, and a change
// naming a group the app does not know yet is kept until that group
// appears.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"groupdeck/hooks"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// Ingester applies deliveries.
type Ingester struct {
	Store *store.Store
	// PhoneNumberID is the business number this app serves; changes sent
	// for another number fail (ids.go). Empty accepts any.
	PhoneNumberID string
	// Hooks, when set, records outgoing webhook events with the changes.
	Hooks *hooks.Subs
	// Observe, when set, is told how long each delivery took to store
	// and apply (metrics).
	Observe func(time.Duration)

	phones phoneNames // formatted for activity lines (names.go)
}

// change is one group event or message item, as kept while deferred.
type change struct {
	Field    string               `json:"field"`
	Group    *whatsapp.GroupEvent `json:"group,omitempty"`
	Message  *whatsapp.Message    `json:"message,omitempty"`
	Contacts []whatsapp.Contact   `json:"contacts,omitempty"`
	Status   *whatsapp.Status     `json:"status,omitempty"`
	// PhoneNumberID is the business number of the change (its metadata).
	PhoneNumberID string `json:"phone_number_id,omitempty"`
	item          int    // position in its delivery's body (items)
	// Set by prepare, before the writer: key is the de-duplication key
	// ("" until prepared), refused what check said.
	key     string
	refused error
}

// Apply stores and applies one delivery. The error is non-nil only when
// the delivery could not be stored; then the sender must try again.
func (in *Ingester) Apply(ctx context.Context, body []byte) (store.DeliveryResult, error) {
	if in.Observe != nil {
		defer func(start time.Time) { in.Observe(time.Since(start)) }(time.Now())
	}
	// Everything that needs no database is done here, on the request's
	// goroutine and in parallel with other requests, not in the single
	// writer: parsing, splitting into changes, checks, de-duplication keys.
	p, perr := whatsapp.ParseWebhook(body)
	var all []change
	if perr == nil {
		all = in.prepare(items(p))
	}
	return in.Store.SaveDelivery(ctx, body, fieldsOf(p), func(t *store.Tx) error {
		if perr != nil {
			return perr
		}
		return in.applyItems(t, all)
	})
}

// prepare fills in each change's de-duplication key and check result.
func (in *Ingester) prepare(all []change) []change {
	for i := range all {
		all[i].key, all[i].refused = all[i].dedupKey(), in.check(all[i])
		in.nameAhead(all[i].Group)
	}
	return all
}

// Replay applies a stored delivery again, e.g. one that failed before a
// fix. It reuses the stored body and the same de-duplication keys, and
// records the new outcome on the same delivery.
func (in *Ingester) Replay(ctx context.Context, deliveryID int64) (store.DeliveryResult, error) {
	return in.Store.ReplayDelivery(ctx, deliveryID, func(t *store.Tx, body []byte) error {
		p, err := whatsapp.ParseWebhook(body)
		if err != nil {
			return err
		}
		return in.applyAll(t, p)
	})
}

// applyAll applies every change of a delivery. A single change that fails
// fails the delivery; in a batch, each change is isolated so one bad item
// does not hold back the others.
func (in *Ingester) applyAll(t *store.Tx, p *whatsapp.Payload) error {
	return in.applyItems(t, in.prepare(items(p)))
}

func (in *Ingester) applyItems(t *store.Tx, all []change) error {
	if len(all) == 1 {
		return in.applyChange(t, all[0])
	}
	for _, c := range all {
		if err := t.Isolate(func() error { return in.applyChange(t, c) }); err != nil {
			return err
		}
	}
	return nil
}

// GroupRequested records a create call's request id and applies any
// lifecycle webhook that arrived before the call returned.
func (in *Ingester) GroupRequested(ctx context.Context, groupID int64, requestID string) ([]int64, error) {
	return in.Store.WithTx(ctx, func(t *store.Tx) error { return in.RecordRequest(t, groupID, requestID) })
}

// RecordRequest is GroupRequested inside the caller's transaction, for a
// caller that records more with it (its audit row).
func (in *Ingester) RecordRequest(t *store.Tx, groupID int64, requestID string) error {
	if err := t.SetRequestID(groupID, requestID); err != nil {
		return err
	}
	return in.resume(t, "request:"+requestID)
}

// GroupAppeared runs record (which gives a group its WhatsApp id outside
// a webhook: reconciliation adopting or importing it) and then applies,
// in the same transaction, the changes that waited for that group.
func (in *Ingester) GroupAppeared(ctx context.Context, waGroupID string, record func(*store.Tx) error) ([]int64, error) {
	return in.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := record(t); err != nil {
			return err
		}
		return in.resume(t, "group:"+waGroupID)
	})
}

func fieldsOf(p *whatsapp.Payload) string {
	if p == nil {
		return ""
	}
	// A handful of distinct fields at most, and nearly always one: a
	// slice, not a map, on every delivery.
	var out []string
	for _, e := range p.Entry {
		for _, c := range e.Changes {
			if !slices.Contains(out, c.Field) {
				out = append(out, c.Field)
			}
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// items lists every change of a delivery in order, numbered, so a change
// that has to wait can be found again in the stored body.
func items(p *whatsapp.Payload) []change {
	n := 0
	for _, e := range p.Entry {
		for _, ch := range e.Changes {
			n += len(ch.Value.Groups) + len(ch.Value.Messages) + len(ch.Value.Statuses)
		}
	}
	all := make([]change, 0, n)
	for _, e := range p.Entry {
		for _, ch := range e.Changes {
			all = split(all, ch)
		}
	}
	for i := range all {
		all[i].item = i
	}
	return all
}

// split appends one change's items to out, each applied and
// de-duplicated on its own.
func split(out []change, ch whatsapp.Change) []change {
	num := ch.Value.Metadata.PhoneNumberID
	for i := range ch.Value.Groups {
		out = append(out, change{Field: ch.Field, Group: &ch.Value.Groups[i], PhoneNumberID: num})
	}
	for i := range ch.Value.Messages {
		out = append(out, change{Field: ch.Field, Message: &ch.Value.Messages[i], Contacts: ch.Value.Contacts, PhoneNumberID: num})
	}
	for i := range ch.Value.Statuses {
		out = append(out, change{Field: ch.Field, Status: &ch.Value.Statuses[i], Contacts: ch.Value.Contacts, PhoneNumberID: num})
	}
	return out
}

func (c change) dedupKey() string {
	switch {
	case c.Message != nil:
		return "m:" + c.Message.ID
	case c.Status != nil:
		s := c.Status
		return "s:" + s.ID + ":" + s.Status + ":" + s.RecipientParticipantID + ":" + s.RecipientParticipantUserID
	}
	b, _ := json.Marshal(c.Group)
	h := sha256.Sum256(append([]byte(c.Field+"\x00"), b...))
	return "g:" + hex.EncodeToString(h[:16])
}

func (in *Ingester) applyChange(t *store.Tx, c change) error {
	if c.key == "" { // a waiting change, found again in the writer
		c.key, c.refused = c.dedupKey(), in.check(c)
	}
	if c.refused != nil {
		return c.refused
	}
	key := c.key
	dup, err := t.Seen(key)
	if err != nil || dup {
		return err
	}
	waitKey, err := in.dispatch(t, c)
	if err != nil {
		return fmt.Errorf("%s: %w", describe(c), err)
	}
	if waitKey == "" {
		return nil
	}
	// Not applicable yet: keep a reference to it in the stored body, and
	// let its later application count.
	if err := t.Forget(key); err != nil {
		return err
	}
	return t.Defer(waitKey, c.Field, key, c.item)
}

// resume applies the changes that waited on any of keys.
func (in *Ingester) resume(t *store.Tx, keys ...string) error {
	evs, err := t.TakeDeferred(keys...)
	if err != nil {
		return err
	}
	bodies := map[int64][]change{}
	for _, ev := range evs {
		c, err := waiting(t, ev, bodies)
		if err != nil {
			return fmt.Errorf("deferred event %d: %w", ev.ID, err)
		}
		// Each change counts as applied from the delivery that brought it.
		if err := t.WithDelivery(ev.DeliveryID, func() error { return in.applyChange(t, c) }); err != nil {
			return err
		}
		if err := t.ResolveDeferredDelivery(ev.DeliveryID); err != nil {
			return err
		}
	}
	return nil
}

// waiting finds a waiting change again: item of its delivery's stored
// body, or its own payload for rows kept before changes were referenced.
// bodies caches parsed deliveries, since one often brings several.
func waiting(t *store.Tx, ev store.DeferredEvent, bodies map[int64][]change) (change, error) {
	var c change
	if len(ev.Payload) > 0 {
		err := json.Unmarshal(ev.Payload, &c)
		return c, err
	}
	all, ok := bodies[ev.DeliveryID]
	if !ok {
		body, err := t.DeliveryBody(ev.DeliveryID)
		if err != nil {
			return c, err
		}
		p, err := whatsapp.ParseWebhook(body)
		if err != nil {
			return c, err
		}
		all = items(p)
		bodies[ev.DeliveryID] = all
	}
	if ev.Item < 0 || ev.Item >= len(all) {
		return c, fmt.Errorf("item %d of delivery %d does not exist", ev.Item, ev.DeliveryID)
	}
	return all[ev.Item], nil
}

func describe(c change) string {
	switch {
	case c.Group != nil:
		return c.Group.Type + " for group " + c.Group.GroupID
	case c.Message != nil:
		return "message " + c.Message.ID
	case c.Status != nil:
		return c.Status.Status + " status for " + c.Status.ID
	}
	return c.Field
}
