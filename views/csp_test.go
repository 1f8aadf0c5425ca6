package views

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestTemplatesNeedNoInlineStyleOrScript: the CSP allows styles and
// scripts from the app's own files only, so a style attribute, a <style>
// element or an inline handler (hx-on, on…=) in a template would be
// refused by the browser and reported in its console on every render.
func TestTemplatesNeedNoInlineStyleOrScript(t *testing.T) {
	files, err := filepath.Glob("*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates found: %v", err)
	}
	bad := regexp.MustCompile(`(?i)\sstyle\s*=|<style[\s>]|\shx-on[:-]|\son[a-z]+\s*=`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if loc := bad.FindIndex(b); loc != nil {
			t.Errorf("%s: %q would break the Content-Security-Policy", f, b[loc[0]:loc[1]])
		}
	}
}
