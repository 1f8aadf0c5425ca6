package templates

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

type fakeLister struct {
	list []whatsapp.TemplateInfo
	err  error
}

func (f *fakeLister) ListTemplates(context.Context, string) ([]whatsapp.TemplateInfo, error) {
	return f.list, f.err
}

func TestRefreshAndProblem(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	wa := &fakeLister{}
	r := &Refresher{Store: st, WA: wa, WABAID: "W", Log: slog.New(slog.DiscardHandler)}
	// Before any list is known nothing is held against a template.
	if p, err := r.TemplateProblem(ctx, "x", "en_US"); p != "" || err != nil {
		t.Fatalf("unknown list: %q %v", p, err)
	}
	wa.list = []whatsapp.TemplateInfo{
		{Name: "ok", Language: "en_US", Status: "APPROVED", Category: "UTILITY", ParameterFormat: "NAMED",
			Components: []whatsapp.TemplateComponent{{Type: "BODY", Text: "Hi {{name}}"}}},
		{Name: "held", Language: "en_US", Status: "PAUSED", Category: "MARKETING"},
	}
	if err := r.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	cached, _ := st.Templates(ctx, false)
	if len(cached) != 2 {
		t.Fatalf("cached %+v", cached)
	}
	back := Info(cached[1])
	if back.Name != "ok" || !back.Named() || back.Part("BODY").Text != "Hi {{name}}" {
		t.Errorf("round trip: %+v", back)
	}
	for name, want := range map[string]string{"ok": "", "held": "is paused", "gone": "no longer among"} {
		p, err := r.TemplateProblem(ctx, name, "en_US")
		if err != nil || (want == "" && p != "") || !strings.Contains(p, want) {
			t.Errorf("%s: %q %v", name, p, err)
		}
	}
	// A failed refresh keeps the list and records why.
	wa.err = errors.New("boom")
	if err := r.Refresh(ctx); err == nil {
		t.Fatal("refresh error lost")
	}
	if cached, _ := st.Templates(ctx, false); len(cached) != 2 {
		t.Errorf("a failed refresh dropped the cache: %+v", cached)
	}
	if last, _ := st.LastTemplateRefresh(ctx); last.Error == "" {
		t.Error("the failure was not recorded")
	}
}
