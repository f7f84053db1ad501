package web_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// cdpBrowser is headless Chromium driven over the DevTools protocol on a
// pipe (--remote-debugging-pipe: JSON messages ending in NUL on fds 3 and
// 4), for tests that must fill in forms and follow them as a person does:
// it keeps its cookies, runs the pages' scripts and is refused what the
// pages' security policies refuse. Scripts given to eval run as DevTools
// runs them, outside the page's policy, the way a person's typing is.
// Its languages are Indonesian (--accept-lang), as a Bappeda desk's are.
type cdpBrowser struct {
	t       *testing.T
	w       *os.File
	mu      sync.Mutex
	next    int
	pending map[int]chan cdpMessage
	session string
	cancel  context.CancelFunc
}

type cdpMessage struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// newCDPBrowser starts Chromium with one blank tab attached. It runs until
// the test ends, however long that takes on a loaded machine: a browser
// that stops answering fails the test through call's own limit.
func newCDPBrowser(t *testing.T, bin string) *cdpBrowser {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	toChrome, ours := mustPipe(t)
	theirs, fromChrome := mustPipe(t)
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
		"--accept-lang=id-ID,id", "--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{toChrome, fromChrome}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	toChrome.Close()
	fromChrome.Close()
	b := &cdpBrowser{t: t, w: ours, pending: map[int]chan cdpMessage{}, cancel: cancel}
	go b.read(theirs)
	t.Cleanup(func() {
		b.call("", "Browser.close", nil)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cancel()
			<-done
		}
		cancel()
		ours.Close()
	})
	var target struct {
		TargetID string `json:"targetId"`
	}
	b.must(b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}))(&target)
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	b.must(b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}))(&attached)
	b.session = attached.SessionID
	b.must(b.call(b.session, "Page.enable", nil))(nil)
	return b
}

func mustPipe(t *testing.T) (*os.File, *os.File) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	return r, w
}

func (b *cdpBrowser) read(r *os.File) {
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m cdpMessage
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil || m.ID == 0 {
			continue // an event
		}
		b.mu.Lock()
		ch := b.pending[m.ID]
		delete(b.pending, m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
}

// call sends one command (to the browser when session is "") and waits
// for its answer.
func (b *cdpBrowser) call(session, method string, params any) (json.RawMessage, error) {
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan cdpMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	raw, _ := json.Marshal(msg)
	if _, err := b.w.Write(append(raw, 0)); err != nil {
		return nil, err
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		return m.Result, nil
	case <-time.After(60 * time.Second):
		return nil, fmt.Errorf("%s: no answer in 60 s", method)
	}
}

func (b *cdpBrowser) must(raw json.RawMessage, err error) func(v any) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	return func(v any) {
		if v != nil {
			if err := json.Unmarshal(raw, v); err != nil {
				b.t.Fatal(err)
			}
		}
	}
}

// eval runs a script in the page (awaiting a promise) and returns its
// value as JSON; a thrown error fails the test.
func (b *cdpBrowser) eval(script string) json.RawMessage {
	b.t.Helper()
	raw, err := b.call(b.session, "Runtime.evaluate", map[string]any{"expression": script, "awaitPromise": true, "returnByValue": true})
	if err != nil {
		b.t.Fatal(err)
	}
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	json.Unmarshal(raw, &r)
	if r.Exception != nil {
		b.t.Fatalf("script failed: %s %s\n%s", r.Exception.Text, r.Exception.Exception.Description, script)
	}
	return r.Result.Value
}

// text is eval for a script whose value is a string.
func (b *cdpBrowser) text(script string) string {
	b.t.Helper()
	var s string
	json.Unmarshal(b.eval(script), &s)
	return s
}

// waitFor polls a script until it is true.
func (b *cdpBrowser) waitFor(what, script string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		raw, err := b.call(b.session, "Runtime.evaluate", map[string]any{"expression": "!!(" + script + ")", "returnByValue": true})
		if err == nil && strings.Contains(string(raw), `"value":true`) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("waited 30 s for %s; the page is %s: %.600s", what, b.text("location.href"), b.text("document.body ? document.body.innerText : ''"))
}

// open loads url and waits for it.
func (b *cdpBrowser) open(url string) {
	b.t.Helper()
	b.eval(`window.__left = 1`)
	b.must(b.call(b.session, "Page.navigate", map[string]any{"url": url}))(nil)
	b.waitFor(url, `window.__left === undefined && document.readyState === "complete"`)
}

// submit runs a script that fills in and sends a form, and waits for the
// page it leads to.
func (b *cdpBrowser) submit(script string) {
	b.t.Helper()
	b.eval(`window.__left = 1; ` + script + `; true`)
	b.waitFor("the answer to the form", `window.__left === undefined && document.readyState === "complete"`)
}

// signIn signs in on /masuk as email with password, as a person does.
func (b *cdpBrowser) signIn(base, email, password string) {
	b.t.Helper()
	b.open(base + "/masuk")
	b.submit(`document.querySelector("#email").value = ` + strconv.Quote(email) + `;
		document.querySelector("#password").value = ` + strconv.Quote(password) + `;
		document.querySelector("form button[type=submit]").click()`)
}

// screenshot saves the whole page at width CSS pixels, in the light or
// dark colour scheme the system would ask for.
func (b *cdpBrowser) screenshot(file string, width int, dark bool) {
	b.t.Helper()
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	b.must(b.call(b.session, "Emulation.setEmulatedMedia", map[string]any{"features": []map[string]string{{"name": "prefers-color-scheme", "value": scheme}}}))(nil)
	b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}))(nil)
	var height float64
	json.Unmarshal(b.eval(`document.documentElement.scrollHeight`), &height)
	b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": int(height), "deviceScaleFactor": 1, "mobile": width < 600}))(nil)
	// The whole page is now in view, so every chart is drawn (charts wait
	// until they come near the viewport).
	b.waitFor(file+": its charts", chartsDrawn)
	var shot struct {
		Data string `json:"data"`
	}
	b.must(b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png"}))(&shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil || len(png) < 5000 {
		b.t.Fatalf("screenshot %s: %d bytes, %v", file, len(png), err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.must(b.call(b.session, "Emulation.clearDeviceMetricsOverride", nil))(nil)
}

// screenshotOf saves the element the CSS selector sel finds, at a page
// width of width CSS pixels, light or dark: a dialog to look at without
// the page around it.
func (b *cdpBrowser) screenshotOf(file, sel string, width int, dark bool) {
	b.t.Helper()
	scheme := map[bool]string{false: "light", true: "dark"}[dark]
	b.must(b.call(b.session, "Emulation.setEmulatedMedia", map[string]any{"features": []map[string]string{{"name": "prefers-color-scheme", "value": scheme}}}))(nil)
	b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}))(nil)
	var box struct{ X, Y, W, H float64 }
	json.Unmarshal(b.eval(`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); e.scrollIntoView({block: "start"});
		const r = e.getBoundingClientRect(); return {X: r.left + scrollX, Y: r.top + scrollY, W: r.width, H: r.height}; })()`), &box)
	if box.W < 10 || box.H < 10 {
		b.t.Fatalf("screenshot %s: %s is %.0f×%.0f px", file, sel, box.W, box.H)
	}
	var shot struct {
		Data string `json:"data"`
	}
	b.must(b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]float64{"x": box.X, "y": box.Y, "width": box.W, "height": box.H, "scale": 1}}))(&shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil || len(png) < 2000 {
		b.t.Fatalf("screenshot %s: %d bytes, %v", file, len(png), err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.must(b.call(b.session, "Emulation.clearDeviceMetricsOverride", nil))(nil)
}

// chartsDrawn is true when every chart container of the page has been drawn
// (a failed one is replaced by its note and its table).
const chartsDrawn = `[...document.querySelectorAll("[data-chart]")].every(e => e.getAttribute("data-chart-ready") === "true")`

// drawCharts scrolls each chart of the page into view in turn, as a reader
// does, and waits until it has been drawn or has failed (its container
// replaced by a note): charts are drawn only when they come near the
// viewport.
func (b *cdpBrowser) drawCharts(what string) {
	b.t.Helper()
	var ids []string
	json.Unmarshal(b.eval(`[...document.querySelectorAll("[data-chart]")].map(e => e.id)`), &ids)
	for _, id := range ids {
		el := `document.getElementById(` + strconv.Quote(id) + `)`
		b.eval(`(e => { if (e) e.scrollIntoView({block: "center"}); return true })(` + el + `)`)
		b.waitFor(what+": chart "+id, `(e => !e || e.getAttribute("data-chart-ready") === "true")(`+el+`)`)
	}
	b.eval(`scrollTo(0, 0); true`)
}

// viewport sets the tab's viewport to size ("width,height" in CSS pixels,
// as Chromium's --window-size), a phone's below 600 px wide.
func (b *cdpBrowser) viewport(size string) {
	b.t.Helper()
	w, h, ok := strings.Cut(size, ",")
	width, err1 := strconv.Atoi(w)
	height, err2 := strconv.Atoi(h)
	if !ok || err1 != nil || err2 != nil {
		b.t.Fatalf("viewport %q: want width,height", size)
	}
	b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}))(nil)
}

// drawnDOM scrolls through the open page's charts until each is drawn (or
// has failed) and returns the page's DOM as it then is.
func (b *cdpBrowser) drawnDOM(what string) string {
	b.t.Helper()
	b.drawCharts(what)
	return b.text(`document.documentElement.outerHTML`)
}

// chartsInView is true when every chart container the viewport shows has
// been drawn (or has failed and gone).
const chartsInView = `[...document.querySelectorAll("[data-chart]")].every(e => {
	const r = e.getBoundingClientRect();
	return r.bottom <= 0 || r.top >= innerHeight || e.getAttribute("data-chart-ready") === "true";
})`

// shot saves what the viewport shows into file once the charts in view are
// drawn, and checks that it drew something (a blank page is a few
// kilobytes).
func (b *cdpBrowser) shot(file string) {
	b.t.Helper()
	b.waitFor(file+": the charts in view", chartsInView)
	var shot struct {
		Data string `json:"data"`
	}
	b.must(b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png"}))(&shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err == nil {
		err = os.WriteFile(file, png, 0o644)
	}
	if err != nil || len(png) < 10_000 {
		b.t.Errorf("screenshot %s: %v size %d", file, err, len(png))
	}
}

// shotOf opens url in a viewport of size ("width,height") and saves what
// it shows into file.
func (b *cdpBrowser) shotOf(url, size, file string) {
	b.t.Helper()
	b.viewport(size)
	b.open(url)
	b.shot(file)
}
