package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/httpx"
	"pantau/internal/store"
)

// private marks an answer that depends on who asks: no shared cache may
// keep it, and the browser should not either.
func private(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Header("Vary", "Cookie, Authorization")
}

// getMe answers GET /api/v1/me: who the request is made as. A browser
// session also gets its CSRF token, for scripts that send X-CSRF-Token.
func (s *Server) getMe(c *gin.Context) {
	private(c)
	body := gin.H{"data": principal(c)}
	if sess, ok := session(c); ok {
		body["csrf_token"] = sess.CSRF
	}
	c.JSON(http.StatusOK, body)
}

// Audit pages: 100 entries by default, at most 1000.
const (
	defaultAuditPage = 100
	maxAuditPage     = 1000
)

// getAudit answers GET /api/v1/audit (administrators): the audit log,
// newest first, paged with ?before=<id>&limit=; ?format=csv exports it
// (the whole log unless limit is given), streamed.
func (s *Server) getAudit(c *gin.Context) {
	private(c)
	q := store.AuditQuery{}
	var err error
	if v := c.Query("before"); v != "" {
		if q.Before, err = strconv.ParseInt(v, 10, 64); err != nil || q.Before < 0 {
			s.fail(c, domain.Errorf(domain.ErrInvalid, "before=%q: want an audit entry id", v))
			return
		}
	}
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "csv" {
		s.fail(c, domain.Errorf(domain.ErrInvalid, "format=%q: want json or csv", format))
		return
	}
	if v := c.Query("limit"); v != "" {
		if q.Limit, err = strconv.Atoi(v); err != nil || q.Limit < 1 || q.Limit > maxAuditPage {
			s.fail(c, domain.Errorf(domain.ErrInvalid, "limit=%q: want 1–%d", v, maxAuditPage))
			return
		}
	} else if format == "json" {
		q.Limit = defaultAuditPage
	}
	if format == "csv" {
		s.auditCSV(c, q)
		return
	}
	entries, err := s.store.AuditLog(c.Request.Context(), q)
	if err != nil {
		s.fail(c, err)
		return
	}
	body := gin.H{"data": entries, "next": nil}
	if len(entries) == q.Limit {
		next := entries[len(entries)-1].ID
		body["next"] = next
		body["next_url"] = fmt.Sprintf("/api/v1/audit?before=%d&limit=%d", next, q.Limit)
	}
	c.JSON(http.StatusOK, body)
}

// auditCSV streams the audit log as CSV, a page of entries at a time. The
// log only grows, so its newest entry (with the query) is the ETag: an
// unchanged log is a 304 without reading it.
func (s *Server) auditCSV(c *gin.Context, q store.AuditQuery) {
	head, err := s.store.AuditHead(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	h := c.Writer.Header()
	if httpx.Conditional(c, httpx.ETag(fmt.Appendf(nil, "audit %d %d %d", head, q.Before, q.Limit)), time.Time{}) {
		return
	}
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="pantau-audit.csv"`)
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	w.Write([]string{"id", "at", "principal", "user_id", "token_id", "ip", "request_id", "method", "route", "status", "action", "object", "detail"})
	id := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	err = s.store.EachAudit(c.Request.Context(), q, func(e store.AuditEntry) error {
		// Cells a spreadsheet would run as a formula are defused.
		return w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), auditCell(e.Principal), id(e.UserID), id(e.TokenID),
			e.IP, auditCell(e.RequestID), e.Method, auditCell(e.Route), strconv.Itoa(e.Status), auditCell(e.Action), auditCell(e.Object), auditCell(e.Detail)})
	})
	w.Flush()
	if err != nil {
		// The header is out: the truncated file is all we can do; log it.
		s.log.Error("audit export", "id", c.GetString(httpx.RequestIDKey), "err", err)
	}
}

// auditCell guards a CSV cell against formula injection (OWASP): a value an
// attacker chose (an email typed at the login form) must not start with
// = + - @ when an administrator opens the export in a spreadsheet.
func auditCell(v string) string {
	if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') {
		return "'" + v
	}
	return v
}

// listTokens answers GET /api/v1/tokens (administrators): every agency
// token (of ?agency= when given) with its last use and revocation.
func (s *Server) listTokens(c *gin.Context) {
	private(c)
	agency := c.Query("agency")
	if agency != "" && !domain.ValidCode(agency) {
		s.fail(c, domain.Errorf(domain.ErrInvalid, "agency=%q is not an agency code", agency))
		return
	}
	toks, err := s.store.AllTokens(c.Request.Context(), agency)
	s.answer(c, toks, err)
}

// revokeToken answers DELETE /api/v1/tokens/{id} (administrators): the
// token stops working at once; it stays listed as revoked.
func (s *Server) revokeToken(c *gin.Context) {
	private(c)
	id, err := idParam(c, "token")
	if err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.revokeTokenAudited(c, id)
	s.answer(c, t, err)
}
