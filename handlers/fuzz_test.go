package handlers

import (
	"strings"
	"testing"
	"unicode/utf8"

	"groupdeck/views"
)

// FuzzValidateGroup checks the group form's rules on any input: a form
// it accepts is within WhatsApp's limits, and accepting is stable.
func FuzzValidateGroup(f *testing.F) {
	f.Add("Spring cohort", "Welcome!", "auto_approve")
	f.Add("  ", "", "")
	f.Add(strings.Repeat("é", 129), strings.Repeat("x", 2049), "approval_required")
	f.Add("\u202eevil", "<script>alert(1)</script>", "other")
	f.Add("\xff\xfe", "\x00", "auto_approve ")
	f.Fuzz(func(t *testing.T, subject, description, mode string) {
		form := views.GroupForm{Subject: subject, Description: description, JoinApprovalMode: mode}
		validateGroup(&form)
		if len(form.Errors) > 0 {
			for k, msg := range form.Errors {
				if msg == "" {
					t.Fatalf("empty message for %s", k)
				}
			}
			return
		}
		if form.Subject == "" || form.Subject != strings.TrimSpace(form.Subject) || utf8.RuneCountInString(form.Subject) > 128 {
			t.Fatalf("accepted subject %q", form.Subject)
		}
		if utf8.RuneCountInString(form.Description) > 2048 {
			t.Fatalf("accepted a description of %d characters", utf8.RuneCountInString(form.Description))
		}
		if form.JoinApprovalMode != "auto_approve" && form.JoinApprovalMode != "approval_required" {
			t.Fatalf("accepted mode %q", form.JoinApprovalMode)
		}
		again := form
		validateGroup(&again)
		if len(again.Errors) > 0 || again.Subject != form.Subject || again.JoinApprovalMode != form.JoinApprovalMode {
			t.Fatalf("not stable: %+v then %+v", form, again)
		}
	})
}

// FuzzSafeFilename checks that a download name can never break out of
// the Content-Disposition header it is put in.
func FuzzSafeFilename(f *testing.F) {
	f.Add("photo.jpg")
	f.Add("")
	f.Add("a\"; filename=evil.exe")
	f.Add("..\\..\\x\r\nSet-Cookie: a=b")
	f.Add("ünïcødé\u202e.txt")
	f.Fuzz(func(t *testing.T, name string) {
		got := safeFilename(name)
		if got == "" {
			t.Fatal("empty name")
		}
		for _, r := range got {
			if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
				t.Fatalf("%q kept %q", got, r)
			}
		}
	})
}
