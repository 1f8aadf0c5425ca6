package handlers

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"groupdeck/bulkcreate"
	"groupdeck/jobs"
	"groupdeck/store"
	"groupdeck/views"
)

// MaxGroups is WhatsApp's cap on groups per business number.
const MaxGroups = 10_000

const maxBulkCSV = 1 << 20

func (h *Handler) groupBulkNew(c echo.Context) error {
	return h.page(c, http.StatusOK, "Create many groups", "groups", views.BulkCreate(views.BulkForm{}))
}

// parseSubjects reads one subject per line of the pasted text, then the
// first column of the CSV file (a "subject" header row is skipped).
func parseSubjects(text string, csvData []byte) ([]string, error) {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if s := strings.TrimSpace(line); s != "" {
			out = append(out, s)
		}
	}
	if len(csvData) > 0 {
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(csvData), "\ufeff")))
		r.FieldsPerRecord = -1
		for i := 0; ; i++ {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("the CSV file could not be read: %w", err)
			}
			if len(rec) == 0 {
				continue
			}
			s := strings.TrimSpace(rec[0])
			if s == "" || (i == 0 && strings.EqualFold(s, "subject")) {
				continue
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// groupBulkCreate validates every subject first, then starts a background
// job whose progress page the browser is sent to.
func (h *Handler) groupBulkCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.BulkForm{Subjects: c.FormValue("subjects"), Description: c.FormValue("description"),
		JoinApprovalMode: c.FormValue("join_approval_mode"), Errors: map[string]string{}}
	var data []byte
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		if fh.Size > maxBulkCSV {
			f.Errors["file"] = "The CSV file is larger than 1 MB; split it."
		} else if file, err := fh.Open(); err == nil {
			data, _ = io.ReadAll(io.LimitReader(file, maxBulkCSV))
			file.Close()
		}
	}
	subjects, err := parseSubjects(f.Subjects, data)
	if err != nil {
		f.Errors["file"] = "The " + err.Error() + "."
	}
	gf := views.GroupForm{Subject: "x", Description: f.Description, JoinApprovalMode: f.JoinApprovalMode}
	validateGroup(&gf)
	for k, v := range gf.Errors {
		f.Errors[k] = v
	}
	f.JoinApprovalMode = gf.JoinApprovalMode
	var bad []string
	for i, s := range subjects {
		if n := utf8.RuneCountInString(s); n > 128 {
			bad = append(bad, fmt.Sprintf("line %d has %d characters", i+1, n))
		}
	}
	live, err := h.Store.CountLiveGroups(ctx)
	if err != nil {
		return err
	}
	switch {
	case len(bad) > 0:
		f.Errors["subjects"] = "Subjects may have at most 128 characters: " + strings.Join(firstN(bad, 5), "; ") + "."
	case len(subjects) == 0 && f.Errors["file"] == "":
		f.Errors["subjects"] = "Paste at least one subject (one per line) or choose a CSV file."
	case live+len(subjects) > MaxGroups:
		f.Errors["subjects"] = fmt.Sprintf("This number has %d groups; %d more would pass WhatsApp's limit of %d groups per number.",
			live, len(subjects), MaxGroups)
	}
	if len(f.Errors) > 0 {
		return h.page(c, http.StatusUnprocessableEntity, "Create many groups", "groups", views.BulkCreate(f))
	}
	params, _ := json.Marshal(bulkcreate.Params{Description: f.Description, JoinApprovalMode: f.JoinApprovalMode})
	u := currentUser(c)
	id, err := h.Jobs.StartAudited(ctx, store.Job{Kind: string(jobs.KindGroupsCreate), Title: fmt.Sprintf("Create %d groups", len(subjects)),
		Params: params, CreatedBy: u.ID}, subjects, func(id int64) store.AuditEntry {
		return store.AuditEntry{UserID: u.ID, Action: store.AuditGroupsBulkCreate, Detail: fmt.Sprintf("job %d: %d groups", id, len(subjects))}
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/jobs/"+itoa64(id))
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("and %d more", len(s)-n))
	}
	return s
}
