package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// csrfServer is a router with one GET that hands out the token and one
// POST behind the CSRF checks, the way handlers wires them.
func csrfServer(t *testing.T) *echo.Echo {
	t.Helper()
	e := echo.New()
	s := NewSessions(bytes.Repeat([]byte("k"), 64), false)
	g := e.Group("", s.CSRF)
	g.GET("/form", func(c echo.Context) error { return c.String(http.StatusOK, CSRFToken(c)) })
	g.POST("/change", func(c echo.Context) error { return c.String(http.StatusOK, "changed") }, CheckCSRF)
	return e
}

// session fetches the form and returns the session cookie and token.
func session(t *testing.T, e *echo.Echo) (*http.Cookie, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/form", nil))
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusOK || len(cookies) == 0 || rec.Body.Len() == 0 {
		t.Fatalf("GET /form: %d, %d cookies, token %q", rec.Code, len(cookies), rec.Body.String())
	}
	return cookies[0], rec.Body.String()
}

func TestCSRFTokenPlaces(t *testing.T) {
	e := csrfServer(t)
	cookie, tok := session(t, e)
	form := func(v url.Values) (string, string) {
		return "application/x-www-form-urlencoded", v.Encode()
	}
	multi := func(v url.Values) (string, string) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for k := range v {
			_ = w.WriteField(k, v.Get(k))
		}
		_ = w.Close()
		return w.FormDataContentType(), b.String()
	}
	for _, tt := range []struct {
		name   string
		query  string
		header string
		body   func(url.Values) (string, string)
		field  string
		want   int
	}{
		{"form field", "", "", form, tok, http.StatusOK},
		{"multipart field", "", "", multi, tok, http.StatusOK},
		{"header", "", tok, form, "", http.StatusOK},
		{"no token", "", "", form, "", http.StatusForbidden},
		{"wrong field", "", "", form, tok + "x", http.StatusForbidden},
		{"wrong header", "", tok + "x", form, tok, http.StatusForbidden},
		{"query string only", "?_csrf=" + url.QueryEscape(tok), "", form, "", http.StatusForbidden},
		{"query string, multipart", "?_csrf=" + url.QueryEscape(tok), "", multi, "", http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := url.Values{"x": {"1"}}
			if tt.field != "" {
				v.Set(CSRFField, tt.field)
			}
			ctype, body := tt.body(v)
			req := httptest.NewRequest(http.MethodPost, "/change"+tt.query, strings.NewReader(body))
			req.Header.Set("Content-Type", ctype)
			req.AddCookie(cookie)
			if tt.header != "" {
				req.Header.Set(CSRFHeader, tt.header)
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("POST: %d %s, want %d", rec.Code, rec.Body.String(), tt.want)
			}
		})
	}
}

func TestCSRFRefusesCrossOrigin(t *testing.T) {
	e := csrfServer(t)
	cookie, tok := session(t, e)
	for _, tt := range []struct {
		name, site, origin string
		want               int
	}{
		{"same origin", "same-origin", "", http.StatusOK},
		{"typed address", "none", "", http.StatusOK},
		{"cross site", "cross-site", "", http.StatusForbidden},
		{"same site, other origin", "same-site", "", http.StatusForbidden},
		{"old browser, other origin", "", "https://evil.example", http.StatusForbidden},
		{"old browser, same origin", "", "http://example.com", http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "http://example.com/change", strings.NewReader(""))
			req.AddCookie(cookie)
			req.Header.Set(CSRFHeader, tok) // a valid token does not make a cross-origin request safe
			if tt.site != "" {
				req.Header.Set("Sec-Fetch-Site", tt.site)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("POST: %d, want %d", rec.Code, tt.want)
			}
		})
	}
}

// The token check reads the form only after the route's body limit, so an
// oversized body is refused for its size, not read in full, even when it
// announces no length.
func TestCSRFReadsTheBodyAfterTheLimit(t *testing.T) {
	e := echo.New()
	s := NewSessions(bytes.Repeat([]byte("k"), 64), false)
	g := e.Group("", s.CSRF)
	g.GET("/form", func(c echo.Context) error { return c.String(http.StatusOK, CSRFToken(c)) })
	var read bool
	g.POST("/change", func(c echo.Context) error { read = true; return c.NoContent(http.StatusOK) },
		middleware.BodyLimit("1K"), CheckCSRF)
	cookie, tok := session(t, e)
	for _, tt := range []struct {
		name  string
		ctype string
		body  string
	}{
		{"form", "application/x-www-form-urlencoded",
			url.Values{CSRFField: {tok}, "pad": {strings.Repeat("a", 4<<10)}}.Encode()},
		{"multipart", "multipart/form-data; boundary=b",
			"--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + tok +
				"\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n" +
				strings.Repeat("a", 4<<10) + "\r\n--b--\r\n"},
	} {
		read = false
		req := httptest.NewRequest(http.MethodPost, "/change", strings.NewReader(tt.body))
		req.ContentLength = -1 // chunked: only reading finds the size
		req.Header.Set("Content-Type", tt.ctype)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge || read {
			t.Errorf("4 KB %s past a 1 KB limit: %d (handler ran: %v), want 413", tt.name, rec.Code, read)
		}
	}
}
