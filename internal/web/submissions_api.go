package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/importer"
)

// The submissions API (/api/v1/submissions): list, read, publish, return,
// withdraw, comment; the same rules as the review pages (submission_access.go).

// submissionLinks are the URLs of a submission's parts.
func submissionLinks(sub domain.Submission) gin.H {
	links := gin.H{"self": fmt.Sprintf("/api/v1/submissions/%d", sub.ID), "file": fmt.Sprintf("/api/v1/submissions/%d/file", sub.ID),
		"page": fmt.Sprintf("/tinjau/%d", sub.ID)}
	if sub.UploadID != nil {
		links["upload"] = fmt.Sprintf("/api/v1/uploads/%d", *sub.UploadID)
	}
	return links
}

// listSubmissions answers GET /api/v1/submissions: newest first, filtered
// by ?state= and ?agency= (an agency sees only its own).
func (s *Server) listSubmissions(c *gin.Context) {
	private(c)
	p := principal(c)
	if err := viewer(c, p); err != nil {
		s.failAuth(c, err)
		return
	}
	q, err := submissionQuery(c, p)
	if err != nil {
		s.fail(c, err)
		return
	}
	subs, err := s.store.Submissions(c.Request.Context(), q)
	s.answer(c, subs, err)
}

// getSubmission answers GET /api/v1/submissions/{id}: the submission, its
// comments and, with ?preview=true while it waits, what publishing it
// would change now (new and changed values, old → new).
func (s *Server) getSubmission(c *gin.Context) {
	private(c)
	p := principal(c)
	sub, err := s.visibleSubmission(c, p)
	if err != nil {
		s.failAuth(c, err)
		return
	}
	preview, err := (&uploadRequest{query: c.Query}).flag("preview")
	if err != nil {
		s.fail(c, err)
		return
	}
	comments, err := s.store.Comments(c.Request.Context(), sub.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	body := gin.H{"data": gin.H{"submission": sub, "comments": comments}, "links": submissionLinks(sub)}
	if preview && sub.State == domain.Submitted {
		res, err := importer.PreviewSubmission(c.Request.Context(), s.store, sub.ID, lang(c), 0, nil)
		if err != nil && !errors.Is(err, domain.ErrInvalid) && !errors.Is(err, domain.ErrForbidden) {
			s.fail(c, err)
			return
		}
		body["data"].(gin.H)["preview"] = answerOf(res)
	}
	c.JSON(http.StatusOK, body)
}

// getSubmissionFile answers GET /api/v1/submissions/{id}/file: the kept
// bytes, as a download.
func (s *Server) getSubmissionFile(c *gin.Context) {
	p := principal(c)
	sub, err := s.visibleSubmission(c, p)
	if err != nil {
		s.failAuth(c, err)
		return
	}
	// Found before anything is sent: a missing file is a 404, not a
	// truncated download.
	if _, err := s.store.UploadFileSize(c.Request.Context(), sub.SHA256); err != nil {
		s.fail(c, err)
		return
	}
	s.sendKeptFile(c, sub.SHA256, sub.Size, downloadName(sub.Filename, sub.ID), "private, no-store")
}

// postPublish answers POST /api/v1/submissions/{id}/publish: 201 with the
// upload its publication made; 409 when it is not waiting for review; 422
// with the report when the file no longer passes.
func (s *Server) postPublish(c *gin.Context) {
	res, err := s.publish(c, principal(c))
	if err != nil {
		if res.Report == nil && res.Forbidden == nil {
			s.failAuth(c, err) // refused before the file was read
			return
		}
		s.failUpload(c, err, res)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/uploads/%d", res.Upload.ID))
	c.JSON(http.StatusCreated, gin.H{"data": answerOf(res)})
}

// postReturn answers POST /api/v1/submissions/{id}/return: the walidata
// sends it back with a reason (note).
func (s *Server) postReturn(c *gin.Context) {
	s.answerClose(c, domain.Returned)
}

// postWithdraw answers POST /api/v1/submissions/{id}/withdraw.
func (s *Server) postWithdraw(c *gin.Context) {
	s.answerClose(c, domain.Withdrawn)
}

func (s *Server) answerClose(c *gin.Context, next domain.SubmissionState) {
	note, err := reviewText(c, "note")
	if err != nil {
		s.fail(c, err)
		return
	}
	sub, err := s.closeSubmission(c, principal(c), next, note)
	if err != nil {
		s.failAuth(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": sub, "links": submissionLinks(sub)})
}

// postComment answers POST /api/v1/submissions/{id}/comments: 201.
func (s *Server) postComment(c *gin.Context) {
	body, err := reviewText(c, "body")
	if err != nil {
		s.fail(c, err)
		return
	}
	cm, err := s.comment(c, principal(c), body)
	if err != nil {
		s.failAuth(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"data": cm})
}

// failAuth answers a refusal; a 401 carries the challenge RFC 6750 asks for.
func (s *Server) failAuth(c *gin.Context, err error) {
	if errors.Is(err, domain.ErrUnauthorized) {
		c.Header("WWW-Authenticate", `Bearer realm="pantau"`)
	}
	s.fail(c, err)
}
