package wasim

import (
	"net/http"
	"strconv"
)

// pageParams parses limit/after/before; bounds follow
// docs/cloud-api.md#list-active-groups (1..1024, default 25).
func (s *Server) pageParams(r *http.Request) (limit int, after, before *cursor, err *apiError) {
	q := r.URL.Query()
	limit = 25
	if v := q.Get("limit"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil || n < 1 || n > 1024 {
			return 0, nil, nil, errParam("limit must be an integer between 1 and 1024")
		}
		limit = n
	}
	for _, p := range []struct {
		key string
		dst **cursor
	}{{"after", &after}, {"before", &before}} {
		v := q.Get(p.key)
		if v == "" {
			continue
		}
		c, decErr := decodeCursor(v, s.version)
		if decErr != nil {
			return 0, nil, nil, newErr(CodeCursorInvalid, "The pagination cursor is invalid or expired; restart from the first page.")
		}
		*p.dst = &c
	}
	return limit, after, before, nil
}

// page selects a window of items ordered by key (ascending) using Graph-style
// cursors and returns the slice plus whether more exist before/after it.
func page[T any](items []T, key func(T) int, limit int, after, before *cursor) (out []T, hasPrev, hasNext bool) {
	start, end := 0, len(items)
	if after != nil {
		start = len(items)
		for i, it := range items {
			if key(it) > after.Offset {
				start = i
				break
			}
		}
		end = min(start+limit, len(items))
	} else if before != nil {
		end = 0
		for i, it := range items {
			if key(it) < before.Offset {
				end = i + 1
			}
		}
		start = max(0, end-limit)
	} else {
		end = min(limit, len(items))
	}
	return items[start:end], start > 0, end < len(items)
}

func (s *Server) paging(r *http.Request, limit int, first, last int, hasPrev, hasNext bool) map[string]any {
	cur := map[string]any{}
	p := map[string]any{"cursors": cur}
	if first == 0 {
		return p
	}
	before := encodeCursor(cursor{Offset: first, Version: s.version})
	after := encodeCursor(cursor{Offset: last, Version: s.version})
	cur["before"], cur["after"] = before, after
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host + r.URL.Path + "?limit=" + strconv.Itoa(limit)
	if hasPrev {
		p["previous"] = base + "&before=" + before
	}
	if hasNext {
		p["next"] = base + "&after=" + after
	}
	return p
}
