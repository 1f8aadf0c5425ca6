package campaigns

import (
	"fmt"
	"html"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// QRPNG draws url as a QR code PNG of about size pixels.
func QRPNG(url string, size int) ([]byte, error) {
	b, err := qrcode.Encode(url, qrcode.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("campaigns: qr: %w", err)
	}
	return b, nil
}

// QRSVG draws url as a QR code SVG: one path of unit squares, black on
// white with the quiet zone the library adds, scalable for print.
func QRSVG(url, title string) ([]byte, error) {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("campaigns: qr: %w", err)
	}
	bm := q.Bitmap()
	n := len(bm)
	var p strings.Builder
	for y, row := range bm {
		for x, on := range row {
			if on {
				fmt.Fprintf(&p, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges" role="img" aria-labelledby="t">`, n, n, n*8, n*8)
	fmt.Fprintf(&b, `<title id="t">%s</title>`, html.EscapeString(title))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`, n, n, p.String())
	return []byte(b.String()), nil
}
