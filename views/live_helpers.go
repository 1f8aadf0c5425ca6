package views

import (
	"net/url"
	"slices"
	"strconv"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

var outcomes = []string{store.OutcomeApplied, store.OutcomeDuplicate, store.OutcomeDeferred, store.OutcomeFailed}

// IsOutcome reports whether o is a delivery outcome the event log filters on.
func IsOutcome(o string) bool { return slices.Contains(outcomes, o) }

// IsField reports whether f is a webhook field the event log filters on.
func IsField(f string) bool { return slices.Contains(whatsapp.Fields(), f) }

func outcomeLabel(o string) string {
	switch o {
	case store.OutcomeApplied:
		return "Applied"
	case store.OutcomeDuplicate:
		return "Duplicate"
	case store.OutcomeDeferred:
		return "Waiting for its group"
	case store.OutcomeFailed:
		return "Failed"
	}
	return o
}

func outcomeTone(o string) string {
	switch o {
	case store.OutcomeApplied:
		return "ok"
	case store.OutcomeFailed:
		return "bad"
	case store.OutcomeDeferred:
		return "wait"
	}
	return ""
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }

func pageText(offset, n, total int) string {
	if n == 0 {
		return "0 of " + itoa(total)
	}
	return itoa(offset+1) + "–" + itoa(offset+n) + " of " + itoa(total)
}

func eventLogURL(f store.DeliveryFilter, offset int) string {
	q := url.Values{}
	if f.Outcome != "" {
		q.Set("outcome", f.Outcome)
	}
	if f.Field != "" {
		q.Set("field", f.Field)
	}
	if offset > 0 {
		q.Set("offset", itoa(offset))
	}
	if len(q) == 0 {
		return "/events/log"
	}
	return "/events/log?" + q.Encode()
}

func activityLabel(kind string) string {
	switch kind {
	case store.ActJoin:
		return "Joined"
	case store.ActLeave:
		return "Left"
	case store.ActRemoved:
		return "Removed"
	case store.ActRequest:
		return "Join request"
	case store.ActRequestRevoked:
		return "Request withdrawn"
	case store.ActMessage:
		return "Message"
	case store.ActFailure:
		return "Failed"
	case store.ActCreated:
		return "Created"
	case store.ActDeleted:
		return "Deleted"
	case store.ActSettings:
		return "Settings"
	case store.ActSuspended:
		return "Suspended"
	case store.ActUnsuspended:
		return "Suspension lifted"
	case store.ActDrift:
		return "Sync fixed"
	case store.ActImported:
		return "Imported by sync"
	}
	return kind
}

func activityTone(kind string) string {
	switch kind {
	case store.ActFailure, store.ActSuspended:
		return "bad"
	case store.ActJoin, store.ActCreated:
		return "ok"
	case store.ActDrift, store.ActRequest:
		return "wait"
	}
	return ""
}
