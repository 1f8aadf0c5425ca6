package bulkcreate_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"groupdeck/bulkcreate"
	"groupdeck/ingest"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// fakeWA answers every create with the same request id, or err.
type fakeWA struct{ err error }

func (f *fakeWA) CreateGroup(context.Context, whatsapp.CreateGroupRequest) (string, error) {
	return "req-1", f.err
}

type notes struct{ ids []int64 }

func (n *notes) GroupsChanged(ids ...int64) { n.ids = append(n.ids, ids...) }

func TestCreatorRunItem(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	wa, n := &fakeWA{}, &notes{}
	r := &bulkcreate.Creator{Store: st, WA: wa, Ingest: &ingest.Ingester{Store: st}, Notify: n}
	ctx := context.Background()
	job := &store.Job{ID: 7, Params: []byte(`{"join_approval_mode":"auto_approve"}`)}
	res, err := r.RunItem(ctx, job, &store.JobItem{Input: "First"})
	if err != nil || !strings.HasPrefix(res, "Requested as group") {
		t.Fatalf("ok item: %q %v", res, err)
	}
	wa.err = &whatsapp.APIError{HTTPStatus: 429, Code: 131208}
	_, err = r.RunItem(ctx, job, &store.JobItem{Input: "Second"})
	if err == nil || !strings.Contains(err.Error(), "131208") || errors.Unwrap(err) == nil {
		t.Fatalf("rate limit: %v", err)
	}
	wa.err = &whatsapp.APIError{HTTPStatus: 400, Code: 131211}
	_, err = r.RunItem(ctx, job, &store.JobItem{Input: "Third"})
	if err == nil || !strings.Contains(err.Error(), "limit of groups (131211)") {
		t.Fatalf("cap: %v", err)
	}
	wa.err = nil
	_, err = r.RunItem(ctx, job, &store.JobItem{Input: "Fourth"})
	if err == nil || !strings.Contains(err.Error(), "Not tried") {
		t.Fatalf("after the cap: %v", err)
	}
	gs, total, _ := st.GroupList(ctx, store.GroupQuery{})
	if total != 1 || gs[0].Subject != "First" || gs[0].RequestID != "req-1" || gs[0].JoinApprovalMode != "auto_approve" {
		t.Fatalf("refused creates left rows: %d %+v", total, gs)
	}
	if len(n.ids) == 0 || slices.ContainsFunc(n.ids, func(id int64) bool { return id != gs[0].ID }) {
		t.Errorf("notified %v, want only the created group %d", n.ids, gs[0].ID)
	}
}

func TestGroupOfReadsTheResult(t *testing.T) {
	if id, ok := bulkcreate.GroupOf("Requested as group 42"); !ok || id != 42 {
		t.Errorf("GroupOf: %d %v", id, ok)
	}
	for _, r := range []string{"", "Sent (message 4)", "Requested as group x"} {
		if _, ok := bulkcreate.GroupOf(r); ok {
			t.Errorf("GroupOf(%q) found a group", r)
		}
	}
}
