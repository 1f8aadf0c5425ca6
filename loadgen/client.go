package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"groupdeck/whatsapp"
)

var plain = &http.Client{Timeout: 5 * time.Second}

// Poster sends signed deliveries to /webhook over kept-alive connections.
type Poster struct {
	URL    string
	Secret string
	c      *http.Client
}

// NewPoster returns a Poster for a server at base, signing with secret.
func NewPoster(base, secret string, conns int) *Poster {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, DisableCompression: true}
	return &Poster{URL: base + "/webhook", Secret: secret, c: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// Post signs body like Meta does and returns the response status.
func (p *Poster) Post(ctx context.Context, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(whatsapp.SignatureHeader, whatsapp.Sign(p.Secret, body))
	res, err := p.c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// Close drops the kept-alive connections.
func (p *Poster) Close() { p.c.CloseIdleConnections() }

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// Login signs in and returns a client carrying the session cookie; it
// keeps as many connections alive as the caller will use at once.
func Login(base, email, password string, conns int) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: conns, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + "/login")
	if err != nil {
		return nil, fmt.Errorf("loadgen: login: %w", err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRe.FindSubmatch(b)
	if m == nil {
		return nil, fmt.Errorf("loadgen: login: no CSRF token on the sign-in page (status %d)", res.StatusCode)
	}
	res, err = c.PostForm(base+"/login", url.Values{"_csrf": {string(m[1])}, "email": {email}, "password": {password}})
	if err != nil {
		return nil, fmt.Errorf("loadgen: login: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("loadgen: login refused: %d", res.StatusCode)
	}
	return c, nil
}

// Get fetches path and returns how long the full response took.
func Get(c *http.Client, url string) (time.Duration, error) {
	t0 := time.Now()
	res, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	d := time.Since(t0)
	if res.StatusCode != http.StatusOK {
		return d, fmt.Errorf("loadgen: GET %s: %d", url, res.StatusCode)
	}
	return d, err
}

// Stream opens an event stream and calls fn with each event's data and
// the time it was read, until ctx ends. It returns once the stream is
// open (the server's first comment line arrived).
func Stream(ctx context.Context, c *http.Client, url string, fn func(data string, at time.Time)) error {
	if fn == nil {
		return StreamEvents(ctx, c, url, nil)
	}
	return StreamEvents(ctx, c, url, func(_, data string, at time.Time) { fn(data, at) })
}

// StreamEvents is Stream telling fn each event's name too ("message" when
// it has none, as in a browser).
func StreamEvents(ctx context.Context, c *http.Client, url string, fn func(name, data string, at time.Time)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("loadgen: stream: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return fmt.Errorf("loadgen: stream %s: %d", url, res.StatusCode)
	}
	r := bufio.NewReader(res.Body)
	if _, err := r.ReadString('\n'); err != nil { // "retry: ..." sent at once
		res.Body.Close()
		return fmt.Errorf("loadgen: stream: %w", err)
	}
	go func() {
		defer res.Body.Close()
		name := "message"
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if n, ok := strings.CutPrefix(line, "event: "); ok {
				name = strings.TrimSpace(n)
			} else if data, ok := strings.CutPrefix(line, "data: "); ok && fn != nil {
				fn(name, strings.TrimSpace(data), time.Now())
			} else if line == "\n" {
				name = "message" // the event ended
			}
		}
	}()
	return nil
}
