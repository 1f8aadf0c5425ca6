package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// cursor is where the next page starts: an offset into the list, or for
// messages the last one shown. Clients get it base64-encoded and must
// treat it as opaque.
type cursor struct {
	Offset int   `json:"o,omitempty"`
	At     int64 `json:"t,omitempty"`
	ID     int64 `json:"i,omitempty"`
}

func (c cursor) String() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

const (
	defaultLimit = 50
	maxLimit     = 200
)

// readPage reads ?cursor= and ?limit=.
func readPage(c echo.Context) (cursor, int, error) {
	var cur cursor
	if s := c.QueryParam("cursor"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || json.Unmarshal(b, &cur) != nil || cur.Offset < 0 {
			return cur, 0, problem(http.StatusBadRequest, "bad-cursor", "The cursor is not one this API gave", "Pass next_cursor from the previous page unchanged.")
		}
	}
	limit := defaultLimit
	if s := c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return cur, 0, invalid(map[string]string{"limit": "Give a limit from 1 to 200."})
		}
		limit = n
	}
	return cur, limit, nil
}

// pageOf pages a list read whole (lists that are short by nature).
func pageOf[T any](items []T, cur cursor, limit int) Page[T] {
	p := Page[T]{Items: []T{}}
	if cur.Offset < len(items) {
		end := min(cur.Offset+limit, len(items))
		p.Items = items[cur.Offset:end]
		if end < len(items) {
			p.NextCursor = cursor{Offset: end}.String()
		}
	}
	return p
}
