package phone

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in, region, want, err string
	}{
		{in: "+1 (650) 555-1234", region: "US", want: "16505551234"},
		{in: "650 555 1234", region: "US", want: "16505551234"},
		{in: "912 345 678", region: "PT", want: "351912345678"},
		{in: "06 12 34 56 78", region: "FR", want: "33612345678"},
		{in: "0033 6 12 34 56 78", region: "US", want: "33612345678"},
		{in: "+351 912 345 678", region: "FR", want: "351912345678"},
		{in: "+44 20 7946 0958", region: "", want: "442079460958"},
		{in: "06 12 34 56 78", region: "US", err: "not a valid number in US"},
		{in: "+1 555 010 0200", region: "PT", want: "15550100200"},
		{in: "+1 999 010 0200", region: "US", err: "not a valid US number"},
		{in: "+33 1 23", region: "US", err: "not a valid FR number"},
		{in: "12", region: "US", err: "not a valid number"},
		{in: "abc", region: "US", err: "contains 'a'"},
		{in: "  ", region: "US", err: "No digits"},
	} {
		got, err := Parse(tt.in, tt.region)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Parse(%q, %q) = %q, %v; want error containing %q", tt.in, tt.region, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q, %q) = %q, %v; want %q", tt.in, tt.region, got, err, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for in, want := range map[string]string{
		"351912345678": "+351 912 345 678",
		"33612345678":  "+33 6 12 34 56 78",
		"+16505551234": "+1 650 555 1234",
		"442079460958": "+44 20 7946 0958",
		"US.1234abcd":  "US.1234abcd",
		"":             "",
		"999123":       "+999123",
	} {
		if got := Format(in); got != want {
			t.Errorf("Format(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestValidRegion(t *testing.T) {
	for r, want := range map[string]bool{"US": true, "pt": true, "FR": true, "XX": false, "": false} {
		if got := ValidRegion(r); got != want {
			t.Errorf("ValidRegion(%q) = %v; want %v", r, got, want)
		}
	}
}
