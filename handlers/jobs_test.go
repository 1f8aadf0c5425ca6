package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groupdeck/store"
)

type noopRunner struct{}

func (noopRunner) RunItem(context.Context, *store.Job, *store.JobItem) (string, error) {
	return "ok", nil
}

func TestJobPageAndCancel(t *testing.T) {
	ts := newTestServer(t)
	ts.h.Jobs.Register("noop", noopRunner{})
	id, err := ts.h.Jobs.Start(t.Context(), store.Job{Kind: "noop", Title: "Create 3 groups"}, []string{"A <script>", "B", "C"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/jobs/" + itoa64(id)

	viewer := ts.client()
	viewer.login("viewer@x.test")
	st, body := viewer.get(path)
	if st != http.StatusOK || !strings.Contains(body, "0 of 3") || !strings.Contains(body, "A &lt;script&gt;") {
		t.Fatalf("job page: %d", st)
	}
	if strings.Contains(body, "data-testid=\"job-cancel\"") {
		t.Error("viewer is offered the stop button")
	}
	if st, _, _ := viewer.post(path+"/cancel", url.Values{"_csrf": {viewer.csrf}}); st != http.StatusForbidden {
		t.Errorf("viewer cancel: %d", st)
	}

	mgr := ts.client()
	mgr.login("manager@x.test")
	if st, _, _ := mgr.post(path+"/cancel", url.Values{"_csrf": {mgr.csrf}}); st != http.StatusSeeOther {
		t.Fatalf("manager cancel: %d", st)
	}
	j, _ := ts.store.JobByID(t.Context(), id)
	if j.State != store.JobCanceled || j.Skipped != 3 {
		t.Errorf("job after cancel %+v", j)
	}
	if st, _ := mgr.get("/jobs/999999"); st != http.StatusNotFound {
		t.Errorf("missing job: %d", st)
	}
}
