package messaging

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"groupdeck/jobs"
	"groupdeck/store"
)

// BroadcastParams is the message a send-to-many job queues in each group.
type BroadcastParams struct {
	Kind      string        `json:"kind"`
	Body      string        `json:"body"`
	Payload   store.Payload `json:"payload"`
	MediaID   string        `json:"media_id,omitempty"`
	MediaMime string        `json:"media_mime,omitempty"`
	MediaName string        `json:"media_name,omitempty"`
}

// BroadcastTarget is a send-to-many job's input for one group: its id,
// then its subject, so the progress page names each group.
func BroadcastTarget(g *store.Group) string {
	return strconv.FormatInt(g.ID, 10) + " · " + g.Subject
}

// Store is the part of the store a send-to-many job uses.
type Store interface {
	GroupByID(ctx context.Context, id int64) (*store.Group, error)
	MessageByJobItem(ctx context.Context, itemID int64) (*store.Message, error)
	QueueMessage(ctx context.Context, m *store.Message) error
	// QueueMessages queues several in one transaction, each at most once.
	QueueMessages(ctx context.Context, ms []*store.Message) error
	JobItems(ctx context.Context, jobID int64, offset, limit int) ([]store.JobItem, error)
}

// queueAhead is how many of the following items' messages a send-to-many
// job queues with the one it runs. The job follows each message until
// WhatsApp took it, one item at a time; queued ahead, the outbox sends
// them at the number's full rate (it paces them) instead of one per
// item's wait. Canceling the job takes back those not yet sent.
const queueAhead = 1000

// GroupsNotifier is told which groups got a queued message.
type GroupsNotifier interface {
	PartsChanged(p store.Part, ids ...int64)
}

// Broadcaster runs jobs.KindBroadcast: it queues the job's message in one
// group per item and follows it until WhatsApp accepted or refused it.
// The message records its job item, so a resumed job never queues it
// twice.
type Broadcaster struct {
	Store      Store
	WakeOutbox func()
	Notify     GroupsNotifier
}

// Repeatable: running an item again finds the message it queued.
func (*Broadcaster) Repeatable() bool { return true }

// RunItem queues the message in one group, or reports how it went.
func (b *Broadcaster) RunItem(ctx context.Context, job *store.Job, item *store.JobItem) (string, error) {
	idText, _, _ := strings.Cut(item.Input, " · ")
	gid, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return "", fmt.Errorf("not a group: %q", item.Input)
	}
	key := job.ID*1_000_000 + int64(item.Seq) // unique per job item; a job has far fewer than a million items
	m, err := b.Store.MessageByJobItem(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		g, err := b.Store.GroupByID(ctx, gid)
		if errors.Is(err, store.ErrNotFound) {
			return "", jobs.Skip("The group no longer exists.")
		}
		if err != nil {
			return "", err
		}
		if refusal := Refusal(g); refusal != "" {
			return "", jobs.Skip(refusal)
		}
		var p BroadcastParams
		if err := json.Unmarshal(job.Params, &p); err != nil {
			return "", fmt.Errorf("the job's message is unreadable: %w", err)
		}
		ms, err := b.ahead(ctx, job, item, p)
		if err != nil {
			return "", err
		}
		m = p.message(job, g.ID, key)
		ms = append([]*store.Message{m}, ms...)
		if err := b.Store.QueueMessages(ctx, ms); err != nil {
			return "", err
		}
		b.WakeOutbox()
		ids := make([]int64, len(ms))
		for i, q := range ms {
			ids[i] = q.GroupID
		}
		b.Notify.PartsChanged(store.PartMessages, ids...)
	} else if err != nil {
		return "", err
	}
	switch m.State {
	case store.MsgSent:
		return "Sent to the group", nil
	case store.MsgFailed:
		return "", errors.New(m.Error)
	}
	wait := min(250*time.Millisecond<<min(item.Attempts, 7), 30*time.Second)
	if m.InDoubt {
		return "", jobs.Retry(wait, errors.New("Waiting for WhatsApp to confirm the message"))
	}
	return "", jobs.Retry(wait, errors.New("Sending"))
}

func (p BroadcastParams) message(job *store.Job, groupID, key int64) *store.Message {
	return &store.Message{GroupID: groupID, Kind: p.Kind, Body: p.Body, Payload: p.Payload, MediaID: p.MediaID,
		MediaMime: p.MediaMime, MediaName: p.MediaName, JobItemID: key, CreatedBy: job.CreatedBy}
}

// ahead returns the messages of the pending items after item, for the
// groups that can take one now; the others are left to their own run,
// which says why they were skipped.
func (b *Broadcaster) ahead(ctx context.Context, job *store.Job, item *store.JobItem, p BroadcastParams) ([]*store.Message, error) {
	items, err := b.Store.JobItems(ctx, job.ID, item.Seq, queueAhead)
	if err != nil {
		return nil, err
	}
	var out []*store.Message
	for _, it := range items {
		if it.State != store.ItemPending {
			continue
		}
		idText, _, _ := strings.Cut(it.Input, " · ")
		gid, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			continue
		}
		g, err := b.Store.GroupByID(ctx, gid)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if Refusal(g) == "" {
			out = append(out, p.message(job, g.ID, job.ID*1_000_000+int64(it.Seq)))
		}
	}
	return out, nil
}
