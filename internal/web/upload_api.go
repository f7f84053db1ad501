package web

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/httpx"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/locale"
)

// DefaultMaxUploadBytes bounds an upload body when Options leave it unset.
const DefaultMaxUploadBytes = 50 << 20

// uploads is the upload endpoints' state: the size limit, a per-client rate
// limit, and the files of page previews awaiting confirmation.
type uploads struct {
	maxBytes int64
	// minRate (bytes/s) and grace hold a body to a minimum rate
	// (httpx.MinRate): a stalled sender is cut off, not waited for.
	minRate int64
	grace   time.Duration
	limit   *httpx.Limiter
	pending *pendingFiles
	// done remembers answers by Idempotency-Key.
	done *httpx.Idempotency
}

func newUploads(maxBytes, minRate int64, grace time.Duration) *uploads {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxUploadBytes
	}
	if grace <= 0 {
		grace = DefaultUploadGrace
	}
	// Generous for people and scripts, a wall for a client hammering the
	// token check or the importer.
	return &uploads{maxBytes: maxBytes, minRate: minRate, grace: grace, limit: httpx.NewLimiter(60, time.Minute, 20),
		pending: newPendingFiles(30 * time.Minute), done: httpx.NewIdempotency(idempotencyWindow, 10000)}
}

// idempotencyWindow is how long an upload's answer is kept for a retry
// with the same Idempotency-Key.
const idempotencyWindow = 24 * time.Hour

// idempotentUpload makes POST /api/v1/uploads idempotent by key, for each
// token or account: a retry after a lost answer creates no second version.
func (s *Server) idempotentUpload() gin.HandlerFunc {
	return s.uploads.done.Handler(func(c *gin.Context) string {
		if p := principal(c); p.CanUpload() {
			return p.Source()
		}
		return ""
	}, refuseInput)
}

// DefaultUploadGrace is how far an upload may lag behind its minimum rate
// when Options leave it unset (config.UploadGrace).
const DefaultUploadGrace = 5 * time.Second

// uploadAnswer is the JSON of an upload or its preview.
type uploadAnswer struct {
	Upload   domain.Upload   `json:"upload"`
	Counts   domain.Counts   `json:"counts"`
	Accepted bool            `json:"accepted"`
	DryRun   bool            `json:"dry_run"`
	SHA256   string          `json:"sha256"`
	Size     int64           `json:"size"`
	Dialect  *ingest.Dialect `json:"dialect,omitempty"`
	// Errors lists every rejected row (line, column, value, reason), up to
	// the reader's cap; MoreErrors counts the rest.
	Errors []ingest.RowError `json:"errors"`
	// Warnings are the reader's (no confirmation needed) and then the
	// plausibility warnings and broken rules, which name the region, year,
	// old and new value and need confirm_warnings=true to store the file.
	Warnings          []importer.Warning `json:"warnings"`
	MoreWarnings      int                `json:"more_warnings,omitempty"`
	NeedsConfirmation bool               `json:"needs_confirmation,omitempty"`
	MoreErrors        int                `json:"more_errors,omitempty"`
	Forbidden         []string           `json:"forbidden,omitempty"`
	// Changes previews a dry run: new values, and changed ones old → new.
	Changes     []importer.Change `json:"changes,omitempty"`
	MoreChanges int               `json:"more_changes,omitempty"`
	FileURL     string            `json:"file_url,omitempty"`
	// Submission is what a file sent for review became: nothing of it is
	// public until the walidata publishes it.
	Submission *domain.Submission `json:"submission,omitempty"`
	// NothingToReview: sent for review, but every value is stored already,
	// so nothing was kept (200).
	NothingToReview bool `json:"nothing_to_review,omitempty"`
}

func answerOf(res importer.Result) uploadAnswer {
	a := uploadAnswer{Upload: res.Upload, Counts: res.Upload.Counts, Accepted: res.Accepted, DryRun: res.DryRun, SHA256: res.SHA256, Size: res.Size,
		Errors: []ingest.RowError{}, Warnings: []importer.Warning{}, Forbidden: res.Forbidden, Changes: res.Changes, MoreChanges: res.MoreChanges,
		Submission: res.Submission, NothingToReview: res.NothingToReview, MoreWarnings: res.MoreWarnings, NeedsConfirmation: res.NeedsConfirmation}
	if rep := res.Report; rep != nil {
		a.Dialect = &rep.Dialect
		a.MoreErrors = rep.MoreErrors
		for _, e := range rep.Errors {
			if e.Warning {
				a.Warnings = append(a.Warnings, importer.Warning{RowError: e})
			} else {
				a.Errors = append(a.Errors, e)
			}
		}
	}
	a.Warnings = append(a.Warnings, res.Warnings...)
	a.Errors = append(a.Errors, res.RuleErrors...)
	if res.Accepted && !res.DryRun && res.Upload.ID != 0 {
		a.FileURL = fmt.Sprintf("/api/v1/uploads/%d/file", res.Upload.ID)
	}
	return a
}

// uploader returns who sends an upload: a logged-in person who may upload,
// or an agency token (both resolved by authenticate). Anyone else gets 401
// with the challenge RFC 6750 asks for, or 403.
func (s *Server) uploader(c *gin.Context) (domain.Principal, error) {
	p := principal(c)
	switch {
	case p.CanUpload():
		return p, nil
	case c.GetBool(csrfFailedKey):
		return p, errCSRF
	case p.Kind == domain.Anonymous:
		c.Header("WWW-Authenticate", `Bearer realm="pantau"`)
		return p, domain.Errorf(domain.ErrUnauthorized, "log in as an uploader or send an agency token: Authorization: Bearer <token> (pantau token create --agency CODE)")
	}
	return p, domain.Errorf(domain.ErrForbidden, "your role (%s) may not upload", p.Role)
}

// tooLarge reports whether err is the body limit being hit.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func (s *Server) failTooLarge(c *gin.Context) {
	c.Header("Connection", "close")
	c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, errorBody("too_large",
		fmt.Sprintf("the upload is larger than %d bytes (PANTAU_MAX_UPLOAD_BYTES)", s.uploads.maxBytes), nil))
}

// uploadRequest is an upload's file and the options that came with it, from
// the query string or the multipart form.
type uploadRequest struct {
	file     io.Reader
	filename string
	form     *multipart.Form
	spooled  *httpx.Spooled
	query    func(string) string
}

func (u *uploadRequest) param(name string) string {
	if v := u.query(name); v != "" {
		return v
	}
	if u.form != nil && len(u.form.Value[name]) > 0 {
		return strings.TrimSpace(u.form.Value[name][0])
	}
	return ""
}

func (u *uploadRequest) flag(name string) (bool, error) {
	switch strings.ToLower(u.param(name)) {
	case "", "0", "false", "no", "off", "tidak":
		return false, nil
	case "1", "true", "yes", "on", "ya":
		return true, nil
	}
	return false, domain.Errorf(domain.ErrInvalid, "%s=%q: want true or false", name, u.param(name))
}

func (u *uploadRequest) close() {
	if u.form != nil {
		u.form.RemoveAll()
	}
	if u.spooled != nil {
		u.spooled.Close()
	}
}

// spoolInMemory is how much of an upload is held in memory while it is
// received; the rest of a larger one goes to a temporary file.
const spoolInMemory = 1 << 20

// fileRoutes take a bare body as the file, whatever its Content-Type
// (curl --data-binary says urlencoded): httpx.ValidUTF8 leaves their body
// to readUpload.
var fileRoutes = []string{"/api/v1/uploads", "/api/v1/boundaries", "/unggah"}

// readUpload limits the body, receives it whole and finds the file: the
// whole body (text/csv or anything not multipart), or the multipart part
// named "file". Either is spooled (httpx.Spool; ParseMultipartForm) before
// anything reads it: a slow sender holds only its own connection, never
// the import's transaction. Bodies above 1 MB go to temporary files, not
// memory.
func (s *Server) readUpload(c *gin.Context) (*uploadRequest, error) {
	c.Request.Body = httpx.MinRate(c.Writer, http.MaxBytesReader(c.Writer, c.Request.Body, s.uploads.maxBytes), s.uploads.minRate, s.uploads.grace)
	u := &uploadRequest{query: func(k string) string { return strings.TrimSpace(c.Query(k)) }}
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mt != "multipart/form-data" {
		sp, err := httpx.Spool(c.Request.Body, spoolInMemory)
		if err != nil {
			if tooLarge(err) || errors.Is(err, os.ErrDeadlineExceeded) {
				return nil, err
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, domain.Errorf(domain.ErrInvalid, "the upload was cut off before its end; nothing was stored")
			}
			return nil, fmt.Errorf("web: receive upload: %w", err)
		}
		u.file, u.spooled = sp, sp
		u.filename = path.Base(strings.ReplaceAll(c.Query("filename"), `\`, "/"))
		if u.filename == "." || u.filename == "/" {
			u.filename = "upload.csv"
		}
		return u, nil
	}
	if err := c.Request.ParseMultipartForm(spoolInMemory); err != nil {
		if tooLarge(err) || errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, err
		}
		return nil, domain.Errorf(domain.ErrInvalid, "unreadable multipart form: %v", err)
	}
	u.form = c.Request.MultipartForm
	files := u.form.File["file"]
	if len(files) != 1 {
		u.close()
		return nil, domain.Errorf(domain.ErrInvalid, "the form needs exactly one file in the field \"file\"")
	}
	// The file name and the fields are stored or looked up: bytes that are
	// not UTF-8 would be a 500 on PostgreSQL and kept as they are on SQLite.
	u.filename = path.Base(strings.ReplaceAll(files[0].Filename, `\`, "/"))
	if !utf8.ValidString(u.filename) {
		u.close()
		return nil, domain.Errorf(domain.ErrInvalid, "the file name is not valid UTF-8; rename the file and send it again")
	}
	if msg := httpx.InvalidField("form field", u.form.Value); msg != "" {
		u.close()
		return nil, domain.Errorf(domain.ErrInvalid, "%s", msg)
	}
	f, err := files[0].Open()
	if err != nil {
		u.close()
		return nil, fmt.Errorf("web: open uploaded file: %w", err)
	}
	u.file = f
	return u, nil
}

// importRequest turns an upload's parameters into an importer request by
// p: limited to p's agency, and sent to review when p asks for it
// (review=true) or review is required of p.
func (s *Server) importRequest(c *gin.Context, u *uploadRequest, p domain.Principal) (importer.Request, error) {
	var req importer.Request
	var err error
	if req.DryRun, err = u.flag("dry_run"); err != nil {
		return req, err
	}
	if req.Targets, err = u.flag("targets"); err != nil {
		return req, err
	}
	asked, err := u.flag("review")
	if err != nil {
		return req, err
	}
	req.Review = domain.NeedsReview(p, s.requireReview, asked)
	req.ConfirmRequired = true
	if req.ConfirmWarnings, err = u.flag("confirm_warnings"); err != nil {
		return req, err
	}
	dec, ok := ingest.ParseDecimal(u.param("decimal"))
	if !ok {
		return req, domain.Errorf(domain.ErrInvalid, "decimal=%q: want comma or point", u.param("decimal"))
	}
	l := lang(c)
	if v, ok := locale.Parse(u.param("lang")); ok {
		l = v
	}
	req.Options = ingest.Options{Indicator: u.param("indicator"), Region: u.param("region"), Plan: u.param("plan"), Decimal: dec,
		Encoding: u.param("encoding"), Sheet: u.param("sheet"), Lang: l}
	req.Agency, req.Scope = p.UploadAgency(), p.Scope
	// The file is spooled: a refused one is found before the import's
	// transaction, which then only writes.
	req.CheckFirst = true
	req.Upload = domain.Upload{Filename: u.filename, AgencyCode: req.Agency, CreatedBy: p.Source()}
	return req, nil
}

// postUpload answers POST /api/v1/uploads, for an agency token or a
// logged-in uploader or administrator: 201 with the stored upload, 202 with
// the submission when the file goes to the walidata first (review=true, or
// PANTAU_REQUIRE_REVIEW), 200 for a dry run, 422 with the full report for a
// rejected file, 401 without credentials, 403 for another agency's
// indicators, 413 for a body over the limit (before it is read whole).
func (s *Server) postUpload(c *gin.Context) {
	p, err := s.uploader(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if c.Request.ContentLength > s.uploads.maxBytes {
		s.failTooLarge(c)
		return
	}
	u, err := s.readUpload(c)
	if tooLarge(err) || errors.Is(err, os.ErrDeadlineExceeded) {
		s.failUpload(c, err, importer.Result{})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	defer u.close()
	req, err := s.importRequest(c, u, p)
	if err != nil {
		s.fail(c, err)
		return
	}
	res, err := importer.Import(c.Request.Context(), s.store, u.file, req)
	if err != nil {
		s.failUpload(c, err, res)
		return
	}
	status := http.StatusCreated
	switch {
	case res.DryRun, res.NothingToReview:
		status = http.StatusOK
	case res.Submission != nil:
		status = http.StatusAccepted
		c.Header("Location", fmt.Sprintf("/api/v1/submissions/%d", res.Submission.ID))
		c.Set(auditActionKey, "submit upload")
		c.Set(auditObjectKey, fmt.Sprintf("submission:%d", res.Submission.ID))
	default:
		c.Header("Location", fmt.Sprintf("/api/v1/uploads/%d", res.Upload.ID))
	}
	c.JSON(status, gin.H{"data": answerOf(res)})
}

// failUpload maps an import's failure: the report goes with a rejection.
func (s *Server) failUpload(c *gin.Context, err error, res importer.Result) {
	switch {
	case tooLarge(err):
		s.failTooLarge(c)
	case errors.Is(err, os.ErrDeadlineExceeded): // statusOf's 408, with the rate
		c.Header("Connection", "close")
		c.AbortWithStatusJSON(http.StatusRequestTimeout, errorBody("too_slow",
			fmt.Sprintf("the upload arrived slower than %d bytes per second (PANTAU_MIN_UPLOAD_RATE); nothing was stored", s.uploads.minRate), nil))
	case errors.Is(err, domain.ErrForbidden):
		c.AbortWithStatusJSON(http.StatusForbidden, errorBody("forbidden", domain.Message(err), gin.H{"forbidden": res.Forbidden}))
	case errors.Is(err, domain.ErrInvalid) && res.NeedsConfirmation:
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, errorBody("warnings", domain.Message(err), answerOf(res)))
	case errors.Is(err, domain.ErrInvalid) && res.Report != nil:
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, errorBody("rejected", domain.Message(err), answerOf(res)))
	case errors.Is(err, domain.ErrInvalid):
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, errorBody("rejected", domain.Message(err), nil))
	default:
		s.fail(c, err)
	}
}

// getUploadDetail answers GET /api/v1/uploads/{id}: the upload, its counts,
// the detected dialect and the SHA-256 of its file.
func (s *Server) getUploadDetail(c *gin.Context) {
	id, err := idParam(c, "upload")
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.store.UploadDetail(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	body := gin.H{"data": d}
	if d.HasFile {
		body["links"] = gin.H{"file": fmt.Sprintf("/api/v1/uploads/%d/file", id)}
	}
	c.JSON(http.StatusOK, body)
}

// getUploadFile answers GET /api/v1/uploads/{id}/file with the original
// bytes, as a download (never rendered: it is whatever an agency sent).
func (s *Server) getUploadFile(c *gin.Context) {
	id, err := idParam(c, "upload")
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	d, err := s.store.UploadDetail(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !d.HasFile {
		s.fail(c, domain.Errorf(domain.ErrNotFound, "upload %d has no kept file", id))
		return
	}
	s.sendKeptFile(c, d.SHA256, d.Size, downloadName(d.Filename, id), "public, max-age=31536000, immutable") // content-addressed
}

// sendKeptFile sends a kept file as a download (never rendered: it is
// whatever an agency sent), with its RFC 9530 digest, streamed chunk by
// chunk from the store. Its hash is its ETag: a matching If-None-Match is
// a 304 without a byte of the file read.
func (s *Server) sendKeptFile(c *gin.Context, sha string, size int64, filename, cacheControl string) {
	sum, _ := hex.DecodeString(sha)
	h := c.Writer.Header()
	h.Set("Cache-Control", cacheControl)
	if httpx.Conditional(c, `"`+sha+`"`, time.Time{}) {
		return
	}
	h.Set("Content-Type", "text/csv")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum)+":")
	httpx.SetContentSecurityPolicy(h, httpx.SandboxPolicy, "")
	c.Status(http.StatusOK)
	if err := s.store.CopyUploadFile(c.Request.Context(), sha, c.Writer); err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error("kept file", "sha256", sha, "err", err)
	}
}

// downloadName is the upload's base file name, or upload-N.csv.
func downloadName(name string, id int64) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || name == "" {
		return fmt.Sprintf("upload-%d.csv", id)
	}
	return name
}
