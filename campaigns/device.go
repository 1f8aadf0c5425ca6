package campaigns

import "strings"

// Device classes recorded for a visit. Nothing finer is kept: no IP
// address and no user agent string.
const (
	DevicePhone   = "phone"
	DeviceTablet  = "tablet"
	DeviceDesktop = "desktop"
	DeviceBot     = "bot"
	DeviceOther   = "other"
)

// DeviceClass reduces a User-Agent header to a coarse device class. Link
// preview fetchers (WhatsApp, Facebook, Slack…) count as bots so they do
// not inflate the funnel.
func DeviceClass(ua string) string {
	u := strings.ToLower(ua)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(u, w) {
				return true
			}
		}
		return false
	}
	switch {
	case u == "":
		return DeviceOther
	case has("bot", "crawler", "spider", "preview", "facebookexternalhit", "whatsapp/", "curl/", "wget/", "python-requests", "go-http-client"):
		return DeviceBot
	case has("ipad", "tablet") || (has("android") && !has("mobile")):
		return DeviceTablet
	case has("mobi", "iphone", "android"):
		return DevicePhone
	case has("windows", "macintosh", "x11", "linux", "cros"):
		return DeviceDesktop
	}
	return DeviceOther
}
