package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/httpx"
	"pantau/internal/store"
)

// Cookies and fields of the account machinery.
const (
	sessionCookie = "pantau_session"
	// loginCSRFCookie carries the double-submit token of the login form,
	// which has no session yet to tie a token to.
	loginCSRFCookie = "pantau_csrf"
	csrfField       = "csrf_token"
	csrfHeader      = "X-CSRF-Token"
)

// Context keys.
const (
	principalKey = "principal"
	sessionKey   = "session"
	// Handlers may describe their write for the audit log.
	auditActionKey = "audit_action"
	auditObjectKey = "audit_object"
	auditDetailKey = "audit_detail"
	// auditAlwaysKey records a request even when it failed (a refused login).
	auditAlwaysKey = "audit_always"
	// csrfFailedKey marks a cookie request whose CSRF token was missing or wrong.
	csrfFailedKey = "csrf_failed"
)

// accounts is the state of authentication: the cookie policy and the
// per-client limits on logins and on token use.
type accounts struct {
	// secureCookies marks cookies Secure even when the request did not
	// arrive over TLS here (TLS ends at a proxy): PANTAU_SECURE_COOKIES.
	secureCookies bool
	login         *httpx.Limiter
	password      *httpx.Limiter
	tokens        *httpx.Limiter
}

func newAccounts(secureCookies bool) *accounts {
	return &accounts{
		secureCookies: secureCookies,
		// A person mistypes a few times; a password guesser needs thousands.
		login: httpx.NewLimiter(10, time.Minute, 10),
		// Password changes ask for the current password: the same guard.
		password: httpx.NewLimiter(10, time.Minute, 10),
		// Scripts with a token get a generous budget; a stolen or leaked
		// token cannot be used to hammer the server.
		tokens: httpx.NewLimiter(600, time.Minute, 120),
	}
}

// principal returns who makes the request (set by authenticate).
func principal(c *gin.Context) domain.Principal {
	if v, ok := c.Get(principalKey); ok {
		if p, ok := v.(domain.Principal); ok {
			return p
		}
	}
	return domain.PublicPrincipal
}

// session returns the request's live session, if it came with one.
func session(c *gin.Context) (store.Session, bool) {
	v, ok := c.Get(sessionKey)
	if !ok {
		return store.Session{}, false
	}
	sess, ok := v.(store.Session)
	return sess, ok
}

// authenticate resolves the request's credentials into a principal: a
// bearer token (Authorization: Bearer pantau_…) or a session cookie;
// without either the request is the public's. A bad or revoked token is a
// 401 on every route: a script should learn its token is dead, not be
// served public data silently. An expired session is dropped and the
// request goes on as the public's; routes that need a login then say so.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		p := domain.PublicPrincipal
		if h := c.GetHeader("Authorization"); h != "" {
			if !s.allow(c, s.accounts.tokens) {
				return
			}
			scheme, secret, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") {
				s.failToken(c, domain.Errorf(domain.ErrUnauthorized, "use Authorization: Bearer <token>"))
				return
			}
			tok, err := s.token(c, secret)
			if err != nil {
				s.failToken(c, err)
				return
			}
			p = tokenPrincipal(tok)
		} else if secret, err := c.Cookie(sessionCookie); err == nil && secret != "" {
			sess, u, err := s.store.SessionUser(ctx, secret)
			err = s.touched(c, err)
			switch {
			case err == nil:
				p = domain.UserPrincipal(u)
				c.Set(sessionKey, sess)
			case errors.Is(err, domain.ErrUnauthorized):
				s.clearCookie(c, sessionCookie)
			default:
				s.fail(c, err)
				return
			}
		}
		c.Set(principalKey, p)
		c.Next()
	}
}

// token returns the agency token a secret opens.
func (s *Server) token(c *gin.Context, secret string) (store.Token, error) {
	tok, err := s.store.Authenticate(c.Request.Context(), secret)
	return tok, s.touched(c, err)
}

// tokenPrincipal is who a token's requests come from: an uploader for its
// agency, within its scope.
func tokenPrincipal(tok store.Token) domain.Principal {
	p := domain.TokenPrincipal(tok.ID, tok.AgencyCode)
	p.Scope = tok.Scope()
	return p
}

// touched logs a failed touch (store.ErrTouch) and lets the request go on
// with its good credential; any other error is returned.
func (s *Server) touched(c *gin.Context, err error) error {
	if errors.Is(err, store.ErrTouch) {
		s.log.Warn("touch", "id", c.GetString(httpx.RequestIDKey), "err", err)
		return nil
	}
	return err
}

// failToken answers a refused token with the challenge of RFC 6750.
func (s *Server) failToken(c *gin.Context, err error) {
	if errors.Is(err, domain.ErrUnauthorized) {
		c.Header("WWW-Authenticate", `Bearer realm="pantau", error="invalid_token"`)
	}
	s.fail(c, err)
}

// allow takes one request from the client's budget in l, or answers 429
// with Retry-After and reports false.
func (s *Server) allow(c *gin.Context, l *httpx.Limiter) bool {
	wait := l.Reserve(c.ClientIP(), time.Now())
	if wait <= 0 {
		return true
	}
	secs := math.Ceil(wait.Seconds())
	c.Header("Retry-After", strconv.Itoa(int(secs)))
	c.AbortWithStatusJSON(http.StatusTooManyRequests, errorBody("rate_limited", "too many requests; retry later", gin.H{"retry_after_seconds": secs}))
	return false
}

// limit is middleware that lets a request through only when the client
// has budget left in l (else allow's 429).
func (s *Server) limit(l *httpx.Limiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.allow(c, l) {
			c.Next()
		}
	}
}

// requireRole lets API requests through whose principal has one of roles:
// 401 (with a challenge) without credentials, 403 with the wrong role.
func (s *Server) requireRole(roles ...domain.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := principal(c)
		for _, r := range roles {
			if p.Role == r {
				c.Next()
				return
			}
		}
		if c.GetBool(csrfFailedKey) {
			s.failCSRF(c)
			return
		}
		if p.Kind == domain.Anonymous {
			c.Header("WWW-Authenticate", `Bearer realm="pantau"`)
			s.fail(c, domain.Errorf(domain.ErrUnauthorized, "log in or send an API token"))
			return
		}
		s.fail(c, domain.Errorf(domain.ErrForbidden, "your role (%s) may not do this", p.Role))
	}
}

// requireLogin sends page requests without a logged-in person to the
// login page, which brings them back afterwards.
func (s *Server) requireLogin() gin.HandlerFunc {
	return func(c *gin.Context) {
		if principal(c).LoggedIn() {
			c.Next()
			return
		}
		if c.GetBool(csrfFailedKey) {
			s.renderPage(c, http.StatusForbidden, accountFrame, "login.html", map[string]any{"Problem": accountTexts[lang(c)]["csrf"], "CSRF": s.loginCSRF(c), "Next": "/akun"})
			c.Abort()
			return
		}
		toLogin(c)
		c.Abort()
	}
}

// toLogin sends the request to the login page, which brings a GET back to
// where it was once the person has logged in.
func toLogin(c *gin.Context) {
	target := "/masuk"
	if c.Request.Method == http.MethodGet {
		target += "?next=" + url.QueryEscape(c.Request.URL.RequestURI())
	}
	c.Redirect(http.StatusSeeOther, target)
}

// unsafe reports whether a method changes state (and so needs CSRF proof
// when a browser's cookie authenticates it).
func unsafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// csrfProtect checks the synchronizer token of every state-changing
// request a session cookie authenticates: the X-CSRF-Token header, or the
// csrf_token field of a form (in a multipart form, its first field). A
// request without the right token gets no authority from its cookie: it
// goes on as the public's, and a route that needs a login answers 403
// (see requireRole, requireLogin). Forms that authenticate otherwise (the
// upload page's typed token) keep working for a logged-in browser. A
// bearer-token request is exempt: browsers never add that header on their
// own. The login form, which has no session yet, checks its double-submit
// cookie itself.
func (s *Server) csrfProtect() gin.HandlerFunc {
	return func(c *gin.Context) {
		sess, ok := session(c)
		if ok && unsafe(c.Request.Method) && !sameToken(sess.CSRF, csrfToken(c)) {
			c.Set(principalKey, domain.PublicPrincipal)
			c.Set(sessionKey, nil)
			c.Set(csrfFailedKey, true)
		}
		c.Next()
	}
}

// errCSRF is the refusal of a session request whose CSRF token was
// missing or wrong: it was demoted to the public's, and is told why.
var errCSRF = domain.Errorf(domain.ErrForbidden, "the form is stale or came from another site (CSRF check failed); reload the page and try again")

func (s *Server) failCSRF(c *gin.Context) {
	s.fail(c, errCSRF)
}

// sameToken compares a CSRF token in constant time; empty never matches.
func sameToken(want, got string) bool {
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// csrfToken finds the token a request carries without consuming its body:
// an urlencoded form is parsed (it is small), a multipart form's first part
// is read and the bytes put back, so an upload still streams to its handler.
func csrfToken(c *gin.Context) string {
	if t := c.GetHeader(csrfHeader); t != "" {
		return t
	}
	mt, params, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)
		return c.PostForm(csrfField)
	case "multipart/form-data":
		var seen bytes.Buffer
		head := io.TeeReader(io.LimitReader(c.Request.Body, 8<<10), &seen)
		part, err := multipart.NewReader(head, params["boundary"]).NextPart()
		var tok string
		if err == nil && part.FormName() == csrfField {
			b, _ := io.ReadAll(io.LimitReader(part, 256))
			tok = strings.TrimSpace(string(b))
		}
		// Whatever was read goes back in front of the rest of the body.
		c.Request.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(seen.Bytes()), c.Request.Body), c.Request.Body}
		return tok
	}
	return ""
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole site,
// Secure behind TLS (or when PANTAU_SECURE_COOKIES says TLS ends at a proxy).
func (s *Server) setCookie(c *gin.Context, name, value string, maxAge time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.accounts.secureCookies || c.Request.TLS != nil})
}

func (s *Server) clearCookie(c *gin.Context, name string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.accounts.secureCookies || c.Request.TLS != nil})
}

// auditWrites records every state-changing request that succeeded (and
// those a handler marks, such as refused logins) in the audit log: who,
// when, from where, what. Handlers add the action, object and detail with
// c.Set(audit_action|audit_object|audit_detail, …); by default the action
// is the route, the object the Location of what was made (or the path),
// and the detail the query string.
func (s *Server) auditWrites() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		status := c.Writer.Status()
		if !unsafe(c.Request.Method) || (status >= 400 && !c.GetBool(auditAlwaysKey)) {
			return
		}
		e := store.AuditFor(principal(c))
		e.IP, e.RequestID, e.Method, e.Route, e.Status = c.ClientIP(), c.GetString(httpx.RequestIDKey), c.Request.Method, c.FullPath(), status
		e.Action = c.GetString(auditActionKey)
		if e.Action == "" {
			e.Action = c.Request.Method + " " + c.FullPath()
		}
		e.Object = c.GetString(auditObjectKey)
		if e.Object == "" {
			e.Object = c.Writer.Header().Get("Location")
		}
		if e.Object == "" {
			e.Object = c.Request.URL.Path
		}
		e.Detail = c.GetString(auditDetailKey)
		if e.Detail == "" {
			e.Detail = c.Request.URL.RawQuery
		}
		// The write happened: record it even if the client has gone.
		if err := s.store.Audit(context.WithoutCancel(c.Request.Context()), e); err != nil {
			s.log.Error("audit", "id", e.RequestID, "action", e.Action, "err", err)
		}
	}
}
