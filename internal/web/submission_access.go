package web

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/store"
)

// Publication (walidata review). An agency's upload can wait for review
// (review=true, or PANTAU_REQUIRE_REVIEW): it is checked and kept as a
// submission, and the public reads (API, dashboards, embeds, exports) see
// none of it. Planners, the walidata and the agency preview it here: what
// publishing would change, value by value, against the data of now. The
// walidata publishes it (an ordinary upload, a new data version) or
// returns it with a reason; the agency may withdraw it. Everyone who may
// see it may comment.

// requireViewer refuses requests of principals that may see no submission
// at all: 401 for the public, 403 for roles without access (none today).
func requireViewer(p domain.Principal) error {
	if p.Kind == domain.Anonymous {
		return domain.Errorf(domain.ErrUnauthorized, "log in, or send an agency token, to see submitted uploads")
	}
	if !p.CanPreview() && p.Role != domain.RoleUploader {
		return domain.Errorf(domain.ErrForbidden, "your role (%s) may not see submitted uploads", p.Role)
	}
	return nil
}

// viewer is requireViewer for a request: a session request that failed
// its CSRF check is told so rather than asked to log in.
func viewer(c *gin.Context, p domain.Principal) error {
	if c.GetBool(csrfFailedKey) {
		return errCSRF
	}
	return requireViewer(p)
}

// visibleSubmission loads the route's submission if p may see it.
func (s *Server) visibleSubmission(c *gin.Context, p domain.Principal) (domain.Submission, error) {
	if err := viewer(c, p); err != nil {
		return domain.Submission{}, err
	}
	id, err := idParam(c, "submission")
	if err != nil {
		return domain.Submission{}, err
	}
	return s.seeSubmission(c, p, id)
}

// seeSubmission loads submission id if p may see it.
func (s *Server) seeSubmission(c *gin.Context, p domain.Principal, id int64) (domain.Submission, error) {
	sub, err := s.store.Submission(c.Request.Context(), id)
	if err != nil {
		return sub, err
	}
	if !domain.CanSeeSubmission(p, sub) {
		return sub, domain.Errorf(domain.ErrForbidden, "submission %d belongs to another agency", id)
	}
	return sub, nil
}

// submissionQuery reads the list filters; an uploader sees only its agency.
func submissionQuery(c *gin.Context, p domain.Principal) (store.SubmissionQuery, error) {
	state, err := domain.ParseSubmissionState(c.Query("state"))
	if err != nil {
		return store.SubmissionQuery{}, err
	}
	q := store.SubmissionQuery{State: state, Agency: c.Query("agency")}
	if p.Role == domain.RoleUploader {
		q.Agency = p.AgencyCode
	}
	if v := c.Query("limit"); v != "" {
		if q.Limit, err = strconv.Atoi(v); err != nil || q.Limit < 1 || q.Limit > 1000 {
			return q, domain.Errorf(domain.ErrInvalid, "limit=%q: want 1–1000", v)
		}
	}
	return q, nil
}

// reviewText reads the text of a review action (a return's reason, a
// comment): a JSON body {"note": …} / {"body": …}, or a form field.
func reviewText(c *gin.Context, field string) (string, error) {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt == "application/json" {
		var body map[string]string
		if err := decodeJSON(c, &body, true); err != nil {
			return "", err
		}
		return strings.TrimSpace(body[field]), nil
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)
	return strings.TrimSpace(c.PostForm(field)), nil
}

// publish makes a submission public (the walidata only).
func (s *Server) publish(c *gin.Context, p domain.Principal) (importer.Result, error) {
	sub, err := s.visibleSubmission(c, p)
	if err != nil {
		return importer.Result{}, err
	}
	if !domain.CanReview(p) {
		return importer.Result{}, domain.Errorf(domain.ErrForbidden, "only the walidata (an administrator) publishes submitted uploads")
	}
	res, err := importer.Publish(c.Request.Context(), s.store, sub.ID, p, lang(c))
	if err == nil {
		c.Set(auditActionKey, "publish submission")
		c.Set(auditObjectKey, fmt.Sprintf("submission:%d", sub.ID))
		c.Set(auditDetailKey, fmt.Sprintf("upload:%d new=%d changed=%d", res.Upload.ID, res.Upload.New, res.Upload.Changed))
	}
	return res, err
}

// closeSubmission returns (the walidata) or withdraws (the agency, the
// walidata) a submission.
func (s *Server) closeSubmission(c *gin.Context, p domain.Principal, next domain.SubmissionState, note string) (domain.Submission, error) {
	sub, err := s.visibleSubmission(c, p)
	if err != nil {
		return sub, err
	}
	switch {
	case next == domain.Returned && !domain.CanReview(p):
		return sub, domain.Errorf(domain.ErrForbidden, "only the walidata (an administrator) returns submitted uploads")
	case next == domain.Withdrawn && !domain.CanWithdraw(p, sub):
		return sub, domain.Errorf(domain.ErrForbidden, "only the agency that sent it, or the walidata, withdraws a submission")
	}
	sub, err = s.store.CloseSubmission(c.Request.Context(), sub.ID, next, p.Source(), note)
	if err == nil {
		c.Set(auditActionKey, string(next)+" submission")
		c.Set(auditObjectKey, fmt.Sprintf("submission:%d", sub.ID))
	}
	return sub, err
}

// comment adds a comment to a submission.
func (s *Server) comment(c *gin.Context, p domain.Principal, body string) (domain.Comment, error) {
	sub, err := s.visibleSubmission(c, p)
	if err != nil {
		return domain.Comment{}, err
	}
	if !domain.CanComment(p, sub) {
		return domain.Comment{}, domain.Errorf(domain.ErrForbidden, "comments are written by people with an account, not tokens")
	}
	cm, err := s.store.AddComment(c.Request.Context(), domain.Comment{SubmissionID: sub.ID, Author: p.String(), Body: body})
	if err == nil {
		c.Set(auditActionKey, "comment submission")
		c.Set(auditObjectKey, fmt.Sprintf("submission:%d", sub.ID))
	}
	return cm, err
}
