package handlers

import (
	"encoding/csv"
	"io"
	"strings"
)

// csvWriter writes the CSV exports. Every cell goes through csvGuard, so
// no text from a webhook, a form or a campaign name can run as a
// spreadsheet formula; numbers have a digits-only column of their own
// (wa_id) that never needs the guard, so CRM imports stay clean.
type csvWriter struct{ w *csv.Writer }

func newCSV(w io.Writer) csvWriter { return csvWriter{w: csv.NewWriter(w)} }

// Row writes one record, every cell guarded.
func (c csvWriter) Row(cells ...string) error {
	for i, s := range cells {
		cells[i] = csvGuard(s)
	}
	return c.w.Write(cells)
}

// Flush writes what is buffered and reports any write error.
func (c csvWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// formulaStarts are the first characters that make Excel, LibreOffice or
// Google Sheets read a cell as a formula (tab and carriage return because
// some programs skip them before looking).
const formulaStarts = "=+-@\t\r"

// csvGuard prefixes a cell that a spreadsheet would run as a formula with
// an apostrophe, which spreadsheets show as text and do not display.
func csvGuard(s string) string {
	if s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// digitsOnly returns a phone number as its digits (E.164 without the +),
// or "" when it is anything else: a digits-only cell never needs a guard.
func digitsOnly(s string) string {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return ""
	}
	return s
}
