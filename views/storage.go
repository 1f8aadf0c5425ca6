package views

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/a-h/templ"

	"groupdeck/store"
)

// bytesText is a size for people: 1.2 MB, 980 kB, 512 B.
func bytesText(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// keepText is a retention period: whole days, or "forever" for 0.
func keepText(d time.Duration) string {
	if d <= 0 {
		return "forever"
	}
	if d == 24*time.Hour {
		return "1 day"
	}
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}

func topTables(ts []store.TableSize, n int) []store.TableSize {
	if len(ts) > n {
		return ts[:n]
	}
	return ts
}

// snakeBreaks writes a name such as group_participants_update with a
// line-break opportunity (<wbr>) after each underscore: a narrow column
// breaks it between its words, never inside one.
func snakeBreaks(name string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		for i, part := range strings.Split(name, "_") {
			if i > 0 {
				if _, err := io.WriteString(w, "_<wbr>"); err != nil {
					return err
				}
			}
			if _, err := io.WriteString(w, templ.EscapeString(part)); err != nil {
				return err
			}
		}
		return nil
	})
}
