package handlers

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"groupdeck/jobs"
)

func (c *client) bulk(subjects, csvFile, mode string) (int, string, string) {
	c.ts.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("_csrf", c.csrf)
	mw.WriteField("subjects", subjects)
	mw.WriteField("join_approval_mode", mode)
	if csvFile != "" {
		fw, _ := mw.CreateFormFile("file", "subjects.csv")
		fw.Write([]byte(csvFile))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.ts.URL+"/groups/bulk", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	defer res.Body.Close()
	return res.StatusCode, readAll(res), res.Header.Get("Location")
}

func TestBulkCreateForm(t *testing.T) {
	ts := newTestServer(t)
	ts.h.Jobs.Register(jobs.KindGroupsCreate, noopRunner{})
	c := ts.client()
	c.login("manager@x.test")
	tests := []struct{ name, subjects, csv, mode, want string }{
		{"nothing", "  \n ", "", "", "Paste at least one subject"},
		{"too long", "ok\n" + strings.Repeat("x", 129), "", "", "line 2 has 129 characters"},
		// Lines are numbered as the textarea shows them: blank lines count.
		{"too long after blanks", "ok\n\n\r\n  \n" + strings.Repeat("y", 130), "", "", "line 5 has 130 characters"},
		{"too long in the CSV", "", "subject\nok\n\n" + strings.Repeat("z", 131), "", "CSV line 4 has 131 characters"},
		{"bad mode", "ok", "", "everyone", "Choose who can join"},
		{"bad csv", "", "a,\"b\n", "", "CSV file could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body, _ := c.bulk(tt.subjects, tt.csv, tt.mode)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, tt.want) {
				t.Fatalf("%d, want 422 with %q", st, tt.want)
			}
		})
	}
	existing := ts.activeGroup() // subject "Cohort"
	st, review, _ := c.bulk("Cohort A\n\nCOHORT\ncohort a\n", "subject,notes\nCohort C,x\n=cmd,y\n", "approval_required")
	if st != http.StatusOK {
		t.Fatalf("review: %d %s", st, review)
	}
	for _, want := range []string{"This creates <strong>5 groups</strong>", "People ask to join and staff approve them",
		"line 4: “cohort a” repeats line 1",
		fmt.Sprintf(`line 3: “COHORT” is already the subject of <a href="/groups/%d">`, existing.ID)} {
		if !strings.Contains(review, want) {
			t.Errorf("review lacks %q:\n%s", want, review)
		}
	}
	if js, _ := ts.store.Jobs(t.Context(), "", 10); len(js) != 0 {
		t.Fatalf("a review started a job: %+v", js)
	}
	// A confirm whose list differs from the reviewed one does nothing.
	changed := hiddenFields(review)
	changed.Set("subjects", changed.Get("subjects")+"\nSneaked in")
	if st, body, _ := c.post("/groups/bulk", changed); st != http.StatusOK || !strings.Contains(body, "not the one you reviewed") {
		t.Fatalf("changed confirm: %d", st)
	}
	st, _, h := c.post("/groups/bulk", hiddenFields(review))
	if loc := h.Get("Location"); st != http.StatusSeeOther || !strings.HasPrefix(loc, "/jobs/") {
		t.Fatalf("start: %d %q", st, loc)
	}
	js, _ := ts.store.Jobs(t.Context(), "", 10)
	if len(js) != 1 || js[0].Total != 5 || !strings.Contains(string(js[0].Params), "approval_required") {
		t.Fatalf("job %+v", js)
	}
	viewer := ts.client()
	viewer.login("viewer@x.test")
	if st, _, _ := viewer.bulk("X", "", ""); st != http.StatusForbidden {
		t.Errorf("viewer: %d", st)
	}
}
