package campaigns

import (
	"fmt"
	"strings"
	"testing"
)

func TestParsePhones(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		valid []string
		errs  map[int]string // line → part of the error
	}{
		{
			name:  "pasted lines with a duplicate in another format",
			in:    "+1 650 555 1234\n\n+1-650-555-1234\n+44 20 7946 0958\nhello\n",
			valid: []string{"16505551234", "442079460958"},
			errs:  map[int]string{3: "Same number as line 1", 5: "not a phone number"},
		},
		{
			name:  "CSV with a phone column",
			in:    "name,phone\nAna,+1 650 555 1234\nBo,\"+44 20 7946 0958\"\nCy,123\n",
			valid: []string{"16505551234", "442079460958"},
			errs:  map[int]string{4: "not a valid number in US"},
		},
		{
			name:  "CSV without header uses the first column",
			in:    "+16505551234,Ana\n+16505559876,Bo\n",
			valid: []string{"16505551234", "16505559876"},
		},
		{
			name:  "local formats read in the default region, others need their country code",
			in:    "650 555 1234\n+351 912 345 678\n0033 6 12 34 56 78\n06 12 34 56 78\n",
			valid: []string{"16505551234", "351912345678", "33612345678"},
			errs:  map[int]string{4: "not a valid number in US"},
		},
		{
			name:  "comments and blank cells are skipped",
			in:    "# list for March\n+16505551234\n,\n",
			valid: []string{"16505551234"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := ParsePhones(strings.NewReader(tt.in), "US")
			if err != nil {
				t.Fatal(err)
			}
			if got := Valid(lines); strings.Join(got, ",") != strings.Join(tt.valid, ",") {
				t.Errorf("valid = %v, want %v", got, tt.valid)
			}
			gotErrs := 0
			for _, l := range lines {
				if l.Err == "" {
					continue
				}
				gotErrs++
				want, ok := tt.errs[l.Line]
				if !ok || !strings.Contains(l.Err, want) {
					t.Errorf("line %d (%q): error %q, want %q", l.Line, l.Raw, l.Err, want)
				}
			}
			if gotErrs != len(tt.errs) {
				t.Errorf("%d errors, want %d: %+v", gotErrs, len(tt.errs), lines)
			}
		})
	}
}

func TestParsePhonesLimit(t *testing.T) {
	var b strings.Builder
	for i := 0; i <= MaxPhones; i++ {
		fmt.Fprintf(&b, "+1650%07d\n", i)
	}
	if _, err := ParsePhones(strings.NewReader(b.String()), "US"); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Fatalf("no limit error: %v", err)
	}
}

func TestDeviceClass(t *testing.T) {
	tests := map[string]string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148":                DevicePhone,
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120 Mobile Safari/537.36":            DevicePhone,
		"Mozilla/5.0 (Linux; Android 13; SM-X200) Chrome/120 Safari/537.36":                   DeviceTablet,
		"Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)":                                       DeviceTablet,
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120":                                DeviceDesktop,
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/156 Safari/537.36": DeviceDesktop,
		"WhatsApp/2.23.20.0 A":    DeviceBot,
		"facebookexternalhit/1.1": DeviceBot,
		"Googlebot/2.1":           DeviceBot,
		"":                        DeviceOther,
		"SomethingElse/1.0":       DeviceOther,
	}
	for ua, want := range tests {
		if got := DeviceClass(ua); got != want {
			t.Errorf("DeviceClass(%q) = %s, want %s", ua, got, want)
		}
	}
}

func TestParsePhonesRegion(t *testing.T) {
	lines, err := ParsePhones(strings.NewReader("912 345 678\n06 12 34 56 78\n"), "PT")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(Valid(lines), ","); got != "351912345678" {
		t.Errorf("valid in PT = %s; want only the Portuguese number (the French one lacks +33)", got)
	}
}
