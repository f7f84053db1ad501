package web

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/httpx"
)

// frame is how a family of pages is sent, besides its template: its
// security policy, whether it is private, and the layout data its
// templates expect.
type frame struct {
	policy httpx.Policy
	// private pages (CSRF tokens, a person's details, an upload's
	// contents) are never cached.
	private bool
	// vary: the page is shared by caches and follows Accept-Language.
	vary bool
	// layout fills a map-shaped page's common data (language, texts,
	// theme, links) and returns the nonce its template writes ("" when it
	// writes none). Views of their own type carry their layout already.
	layout func(s *Server, c *gin.Context, name string, data map[string]any) string
}

var (
	// publicFrame: dashboards, indicator pages, the index, completeness,
	// the API docs and their error page.
	publicFrame = frame{policy: httpx.PagePolicy, vary: true, layout: publicLayout}
	// accountFrame: login, logout, the account page.
	accountFrame = frame{policy: httpx.FormPolicy, private: true, layout: accountLayout}
	// adminFrame: the administration pages, in the account pages' frame.
	adminFrame = frame{policy: httpx.FormPolicy, private: true, layout: adminLayout}
	// reviewFrame: the review list and a submission (a *reviewPage view).
	reviewFrame = frame{policy: httpx.FormPolicy, private: true}
	// uploadFrame: the upload page (an *uploadView), with its own script.
	uploadFrame = frame{policy: httpx.UploadPolicy, private: true, vary: true}
	// embedFrame: an embed (an *embedView), framed by any site, shared
	// by caches; its cache rule is its data version's (embed.go).
	embedFrame = frame{policy: httpx.EmbedPolicy, vary: true}
	// embedErrorFrame: an embed's error, in the frame another site gave it.
	embedErrorFrame = frame{policy: httpx.EmbedPolicy, private: true}
)

// nonced is a page view of its own type that writes the CSP nonce.
type nonced interface{ useNonce(nonce string) }

// renderPage is the one page renderer: every HTML page is written here
// (an embed kept in the embed cache by renderTo, under it), with its
// layout data, its language, its security policy and nonce and its cache
// rule; name is the template, data what it shows.
func (s *Server) renderPage(c *gin.Context, status int, f frame, name string, data any) {
	c.Status(status)
	if err := s.renderTo(c, c.Writer, f, name, data); err != nil {
		s.log.Error("render", "template", name, "err", err)
	}
}

// renderTo is renderPage's work with the page written to w, which need
// not be the answer: the embed cache renders an embed into a buffer with
// it, to keep and serve again. The frame's headers are set on c's answer.
func (s *Server) renderTo(c *gin.Context, w io.Writer, f frame, name string, data any) error {
	nonce := ""
	switch d := data.(type) {
	case map[string]any:
		if f.layout != nil {
			nonce = f.layout(s, c, name, d)
		}
	case nonced:
		nonce = chart.Nonce()
		d.useNonce(nonce)
	}
	h := c.Writer.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(lang(c)))
	setFrameHeaders(h, f, nonce)
	return s.pages.ExecuteTemplate(w, name, data)
}

// setFrameHeaders sets the headers f sends with every answer, also one
// with no body (a 304) or with one rendered before (a cached embed): its
// cache rule and its security policy with nonce.
func setFrameHeaders(h http.Header, f frame, nonce string) {
	if nonce == "" {
		// A policy with a nonce admits nothing by it when the page writes
		// none (embeds load their scripts from files).
		nonce = chart.Nonce()
	}
	if f.vary {
		h.Set("Vary", "Accept-Language")
	}
	if f.private {
		h.Set("Cache-Control", "no-store")
	}
	httpx.SetContentSecurityPolicy(h, f.policy, nonce)
}

// pageWords are how a family of pages names failures: internal for our
// own (logged, never detailed to the reader); known for the error kinds
// the reader may be told about, with the status they map to (false: the
// family treats err as our own failure).
type pageWords struct {
	internal string
	known    func(err error, status int) (string, bool)
}

// knownMessage tells the reader the domain's own message for every kind
// of error it names (review, upload and completeness pages).
func knownMessage(err error, _ int) (string, bool) { return domain.Message(err), true }

// problemView is a page view of its own type that shows a failure's
// message (map-shaped pages show theirs as "Problem").
type problemView interface{ setProblem(msg string) }

// showProblem is the one HTML error path: err becomes a status and a
// message in the words of the page's family (problem), the message goes on
// view, and the page name is rendered with it in frame f. The handler
// chain stops there.
func (s *Server) showProblem(c *gin.Context, f frame, name string, view any, err error, w pageWords) {
	s.renderPage(c, s.putProblem(c, view, err, w), f, name, view)
	c.Abort()
}

// putProblem is showProblem up to the rendering, for a page that shows the
// failure among more it has still to fill in (an import's result): it puts
// err's message on view and returns its status.
func (s *Server) putProblem(c *gin.Context, view any, err error, w pageWords) int {
	status, msg := s.problem(c, err, w)
	switch v := view.(type) {
	case map[string]any:
		v["Problem"] = msg
	case problemView:
		v.setProblem(msg)
	}
	return status
}

// problem is the one way a page request's failure becomes what its reader
// is shown: the status for err's kind (statusOf) and the family's message
// for it. Failures of our own, and kinds the family does not name, are a
// 500, logged with the request's id.
func (s *Server) problem(c *gin.Context, err error, w pageWords) (int, string) {
	status, _ := statusOf(err)
	if status == http.StatusServiceUnavailable {
		s.log.Error("page failed: database unreachable", "path", c.Request.URL.Path, "id", c.GetString(httpx.RequestIDKey), "err", err)
		retryLater(c)
		return status, w.internal
	}
	if status != http.StatusInternalServerError && w.known != nil {
		if msg, ok := w.known(err, status); ok {
			return status, msg
		}
	}
	s.log.Error("page failed", "path", c.Request.URL.Path, "id", c.GetString(httpx.RequestIDKey), "err", err)
	return http.StatusInternalServerError, w.internal
}
