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

// subjectLine is one subject and where the person wrote it, numbered as
// their textarea or CSV file shows it (blank lines count).
type subjectLine struct {
	Where string // "line 3", "CSV line 2"
	Text  string
}

// parseSubjects reads one subject per line of the pasted text, then the
// first column of the CSV file (a "subject" header row is skipped).
func parseSubjects(text string, csvData []byte) ([]subjectLine, error) {
	var out []subjectLine
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if s := strings.TrimSpace(line); s != "" {
			out = append(out, subjectLine{Where: fmt.Sprintf("line %d", i+1), Text: s})
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
			line, _ := r.FieldPos(0)
			out = append(out, subjectLine{Where: fmt.Sprintf("CSV line %d", line), Text: s})
		}
	}
	return out, nil
}

// groupBulkCreate validates every subject first and answers with a review
// (how many groups, with which settings, and which subjects repeat each
// other or an existing group); the review's confirm starts a background
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
	lines, err := parseSubjects(f.Subjects, data)
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
	for _, l := range lines {
		if n := utf8.RuneCountInString(l.Text); n > 128 {
			bad = append(bad, fmt.Sprintf("%s has %d characters", l.Where, n))
		}
	}
	live, err := h.Store.CountLiveGroups(ctx)
	if err != nil {
		return err
	}
	switch {
	case len(bad) > 0:
		f.Errors["subjects"] = "Subjects may have at most 128 characters: " + strings.Join(firstN(bad, 5), "; ") + "."
	case len(lines) == 0 && f.Errors["file"] == "":
		f.Errors["subjects"] = "Paste at least one subject (one per line) or choose a CSV file."
	case live+len(lines) > MaxGroups:
		f.Errors["subjects"] = fmt.Sprintf("This number has %d groups; %d more would pass WhatsApp's limit of %d groups per number.",
			live, len(lines), MaxGroups)
	}
	subjects := make([]string, len(lines))
	for i, l := range lines {
		subjects[i] = l.Text
	}
	if len(f.Errors) > 0 || c.FormValue("edit") != "" {
		status := http.StatusUnprocessableEntity
		if len(f.Errors) == 0 {
			status, f.Subjects = http.StatusOK, strings.Join(subjects, "\n") // back from the review to change it
		}
		return h.page(c, status, "Create many groups", "groups", views.BulkCreate(f))
	}
	params, _ := json.Marshal(bulkcreate.Params{Description: f.Description, JoinApprovalMode: f.JoinApprovalMode})
	u := currentUser(c)
	token := c.FormValue("review")
	if !h.reviewed(token, "groups-create", u.ID, params, subjects) {
		r, err := h.bulkReview(c, f, lines)
		if err != nil {
			return err
		}
		r.Token = h.reviewToken("groups-create", u.ID, params, subjects)
		if token != "" {
			// A new review, answered 200: the browser shows it as a page,
			// not as a failed request.
			r.Changed = "Nothing was created: this list is not the one you reviewed (or groupdeck restarted since). Check the review and confirm again."
		}
		return h.page(c, http.StatusOK, "Review: create many groups", "groups", views.BulkReviewPage(r))
	}
	id, err := h.Jobs.StartAudited(ctx, store.Job{Kind: string(jobs.KindGroupsCreate), Title: fmt.Sprintf("Create %d groups", len(subjects)),
		Params: params, CreatedBy: u.ID}, subjects, func(id int64) store.AuditEntry {
		return store.AuditEntry{UserID: u.ID, Action: store.AuditGroupsBulkCreate, Detail: fmt.Sprintf("job %d: %d groups after review", id, len(subjects))}
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/jobs/"+itoa64(id))
}

// bulkReview finds the subjects that repeat an earlier line or a live
// group: WhatsApp allows that, but two groups people cannot tell apart
// are rarely meant.
func (h *Handler) bulkReview(c echo.Context, f views.BulkForm, lines []subjectLine) (views.BulkReview, error) {
	r := views.BulkReview{Form: f, Count: len(lines)}
	keys := make([]string, len(lines))
	first := map[string]string{}
	for i, l := range lines {
		keys[i] = asciiLower(l.Text)
		r.Subjects = append(r.Subjects, l.Text)
		if w, ok := first[keys[i]]; ok {
			r.Duplicates = append(r.Duplicates, views.DuplicateSubject{Where: l.Where, Subject: l.Text, Repeats: w})
		} else {
			first[keys[i]] = l.Where
		}
	}
	existing, err := h.Store.LiveSubjects(c.Request().Context(), keys)
	if err != nil {
		return r, err
	}
	for i, l := range lines {
		if id, ok := existing[keys[i]]; ok && first[keys[i]] == l.Where {
			r.Duplicates = append(r.Duplicates, views.DuplicateSubject{Where: l.Where, Subject: l.Text, GroupID: id})
		}
	}
	return r, nil
}

// asciiLower lowers ASCII letters only, as SQLite's lower() does, so
// subjects compare the same here and in the store.
func asciiLower(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if 'A' <= ch && ch <= 'Z' {
			b[i] = ch + 'a' - 'A'
		}
	}
	return string(b)
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("and %d more", len(s)-n))
	}
	return s
}
