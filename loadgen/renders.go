package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// MetricsToken is the /metrics bearer token loadgen starts servers with
// when it reads their counters.
const MetricsToken = "loadgen-metrics-token"

// FragmentRenders reads groupdeck_fragment_renders_total from /metrics,
// summed over fragments.
func FragmentRenders(base string) (float64, error) {
	req, err := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+MetricsToken)
	res, err := plain.Do(req)
	if err != nil {
		return 0, fmt.Errorf("loadgen: metrics: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("loadgen: metrics: %d (was the server started with MetricsToken?)", res.StatusCode)
	}
	var sum float64
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "groupdeck_fragment_renders_total{"); ok {
			f := strings.Fields(rest)
			v, err := strconv.ParseFloat(f[len(f)-1], 64)
			if err != nil {
				return 0, fmt.Errorf("loadgen: metrics: %q: %w", sc.Text(), err)
			}
			sum += v
		}
	}
	return sum, sc.Err()
}

// liveFragment finds the fragments a page re-fetches on a live event: an
// element whose hx-get runs on "sse:changed".
var liveFragment = regexp.MustCompile(`<[^>]*\shx-get="([^"]+)"[^>]*\shx-trigger="[^"]*sse:changed`)

// GroupPages opens the group page of each of groups and, like htmx in a
// browser, follows its event stream and re-fetches the page's live
// fragments on every event (all at once; a round still running when the
// next event comes is not doubled, as htmx drops it). It returns once the
// streams are open; they run until ctx ends. Fetched counts fragments.
func GroupPages(ctx context.Context, c *http.Client, base string, groups []int) (fetched *atomic.Int64, err error) {
	return groupPages(ctx, c, base, groups, nil)
}

func groupPages(ctx context.Context, c *http.Client, base string, groups []int, events *atomic.Int64) (fetched *atomic.Int64, err error) {
	fetched = &atomic.Int64{}
	for _, g := range groups {
		page := base + "/groups/" + strconv.Itoa(g)
		res, err := c.Get(page)
		if err != nil {
			return nil, fmt.Errorf("loadgen: group page: %w", err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("loadgen: group page %s: %d %v", page, res.StatusCode, err)
		}
		var urls []string
		for _, m := range liveFragment.FindAllStringSubmatch(string(b), -1) {
			urls = append(urls, base+html.UnescapeString(m[1]))
		}
		if len(urls) == 0 {
			return nil, fmt.Errorf("loadgen: group page %s re-fetches nothing on events", page)
		}
		var busy atomic.Bool
		err = Stream(ctx, c, base+"/events?group="+strconv.Itoa(g), func(string, time.Time) {
			if events != nil {
				events.Add(1)
			}
			if !busy.CompareAndSwap(false, true) {
				return
			}
			go func() {
				defer busy.Store(false)
				var wg sync.WaitGroup
				for _, u := range urls {
					wg.Go(func() {
						if htmxGet(ctx, c, u) == nil {
							fetched.Add(1)
						}
					})
				}
				wg.Wait()
			}()
		})
		if err != nil {
			return nil, err
		}
	}
	return fetched, nil
}

func htmxGet(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("HX-Request", "true")
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("loadgen: GET %s: %d", u, res.StatusCode)
	}
	return err
}

// RenderWatch measures fragment renders over a run: group pages behaving
// like htmx, and the server's counter read before and after.
type RenderWatch struct {
	base    string
	pages   int
	before  float64
	fetched *atomic.Int64
	stop    context.CancelFunc
}

// WatchRenders opens the pages of groups 1..pages (see GroupPages) and
// reads the server's render counter; the server must run with
// MetricsToken.
func WatchRenders(ctx context.Context, c *http.Client, base string, pages int) (*RenderWatch, error) {
	groups := make([]int, pages)
	for i := range groups {
		groups[i] = i + 1
	}
	pctx, stop := context.WithCancel(ctx)
	fetched, err := GroupPages(pctx, c, base, groups)
	if err == nil {
		var before float64
		if before, err = FragmentRenders(base); err == nil {
			return &RenderWatch{base: base, pages: pages, before: before, fetched: fetched, stop: stop}, nil
		}
	}
	stop()
	return nil, err
}

// Report closes the pages and says how many fragments the server rendered
// over elapsed, per second and per delivery.
func (w *RenderWatch) Report(elapsed time.Duration, deliveries int64) string {
	after, err := FragmentRenders(w.base)
	w.stop()
	if err != nil {
		return "fragment renders: " + err.Error()
	}
	n := after - w.before
	per := 0.0
	if deliveries > 0 {
		per = n / float64(deliveries)
	}
	return fmt.Sprintf("fragment renders during the webhook → SSE run: %.0f/s, %.3f per delivery (%d group pages re-fetching their live fragments like htmx on every event, besides the streams above; %d fetched)",
		n/elapsed.Seconds(), per, w.pages, w.fetched.Load())
}

// Burst opens pages pages of group 1 (the seeded group with messages and
// participants), sends n receipts for its messages as fast as conc
// senders can, and says how many events each page got and how many
// fragments the server rendered: without coalescing, every receipt would
// be one event and one round of renders per page.
func Burst(ctx context.Context, c *http.Client, p *Poster, base string, pages, n, conc, messages, participants int) (string, error) {
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	events := &atomic.Int64{}
	groups := make([]int, pages)
	for i := range groups {
		groups[i] = 1
	}
	if _, err := groupPages(pctx, c, base, groups, events); err != nil {
		return "", err
	}
	before, err := FragmentRenders(base)
	if err != nil {
		return "", err
	}
	now := time.Now().Unix()
	next := atomic.Int64{}
	var failed atomic.Int64
	t0 := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				// The newest outgoing seeded messages (odd numbers), each
				// delivered and then read by each participant.
				m := messages - 1 - 2*(i/(2*participants))
				if m%2 == 0 {
					m--
				}
				st := "delivered"
				if i%2 == 1 {
					st = "read"
				}
				body := Status("wamid.seed."+strconv.Itoa(m), strconv.Itoa(15550100000+(i/2)%participants), st, now)
				if code, err := p.Post(ctx, body); err != nil || code != http.StatusOK {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(t0)
	time.Sleep(time.Second) // the trailing event, and the fetches it causes
	after, err := FragmentRenders(base)
	if err != nil {
		return "", err
	}
	if f := failed.Load(); f > 0 {
		return "", fmt.Errorf("loadgen: burst: %d receipts not acknowledged", f)
	}
	return fmt.Sprintf("a burst of %d receipts to one group in %.2fs with %d pages of it open: %.1f events per page, %.0f fragment renders in all (%.2f per receipt per page)",
		n, took.Seconds(), pages, float64(events.Load())/float64(pages), after-before, (after-before)/float64(n*pages)), nil
}
