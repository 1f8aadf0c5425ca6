package store

import (
	"errors"
	"testing"
)

func TestTemplateCache(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	if r, err := s.LastTemplateRefresh(ctx); err != nil || r.At != 0 {
		t.Fatalf("before any refresh: %+v %v", r, err)
	}
	first := []Template{
		{Name: "b_tpl", Language: "en_US", Status: "APPROVED", Category: "UTILITY", Components: "[]"},
		{Name: "a_tpl", Language: "pt_BR", Status: "PENDING", Category: "MARKETING", Named: true, Components: `[{"type":"BODY"}]`},
	}
	if err := s.ReplaceTemplates(ctx, first); err != nil {
		t.Fatal(err)
	}
	all, err := s.Templates(ctx, false)
	if err != nil || len(all) != 2 || all[0].Name != "a_tpl" || !all[0].Named || all[0].Components != `[{"type":"BODY"}]` {
		t.Fatalf("all: %+v %v", all, err)
	}
	ok, _ := s.Templates(ctx, true)
	if len(ok) != 1 || ok[0].Name != "b_tpl" {
		t.Fatalf("approved: %+v", ok)
	}
	// A failed refresh keeps the list and says why.
	if err := s.TemplateRefreshFailed(ctx, "token expired"); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.LastTemplateRefresh(ctx); r.Error != "token expired" || r.At == 0 {
		t.Fatalf("refresh: %+v", r)
	}
	// A fresh list replaces the old one, dropping deleted templates.
	if err := s.ReplaceTemplates(ctx, first[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TemplateByName(ctx, "a_tpl", "pt_BR"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("dropped template: %v", err)
	}
	if r, _ := s.LastTemplateRefresh(ctx); r.Error != "" {
		t.Fatalf("a good refresh clears the error: %+v", r)
	}
}
