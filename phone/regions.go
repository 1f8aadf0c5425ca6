package phone

import (
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Region is a country people can pick for numbers written without a
// country code.
type Region struct {
	Code string // two letters, e.g. PT
	Name string // e.g. "Portugal (+351)"
}

// Regions lists every region libphonenumber knows, sorted by English
// name, with its calling code.
func Regions() []Region {
	names := display.English.Regions()
	var out []Region
	for code := range phonenumbersRegions() {
		name := code
		if r, err := language.ParseRegion(code); err == nil {
			if n := names.Name(r); n != "" {
				name = n
			}
		}
		out = append(out, Region{Code: code, Name: fmt.Sprintf("%s (+%d)", name, callingCode(code))})
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}
