package handlers

import (
	"bytes"
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
	st, _, loc := c.bulk("Cohort A\n\nCohort B\n", "subject,notes\nCohort C,x\n=cmd,y\n", "approval_required")
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/jobs/") {
		t.Fatalf("start: %d %q", st, loc)
	}
	js, _ := ts.store.Jobs(t.Context(), "", 10)
	if len(js) != 1 || js[0].Total != 4 || !strings.Contains(string(js[0].Params), "approval_required") {
		t.Fatalf("job %+v", js)
	}
	viewer := ts.client()
	viewer.login("viewer@x.test")
	if st, _, _ := viewer.bulk("X", "", ""); st != http.StatusForbidden {
		t.Errorf("viewer: %d", st)
	}
}
