package web

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/locale"
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
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": subs})
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

// The review pages.

// reviewPage is what review_list.html and review.html show.
type reviewPage struct {
	Lang, Other     locale.Lang
	LangQuery, CSRF string
	T               map[string]string
	By              domain.Principal
	// The list.
	State       string
	States      []string
	Submissions []reviewRow
	// One submission.
	Sub      *reviewRow
	Comments []domain.Comment
	Answer   *uploadAnswer
	Changes  []changeRow
	Problem  string
	Done     string
	// Names are the catalogue's names of the codes the changes show.
	Names map[string]string
	// Series link to the indicator pages with the submission's values put
	// in (?pratinjau=), one per indicator and region it changes.
	Series    []seriesLink
	CanReview bool
	CanClose  bool
	CanNote   bool
}

// seriesLink is a link to a previewed indicator page.
type seriesLink struct{ Label, URL string }

// maxSeriesLinks bounds the preview links a review page lists.
const maxSeriesLinks = 12

// reviewRow is a submission with what the pages show about it.
type reviewRow struct {
	domain.Submission
	When, Reviewed string
}

func (s *Server) newReviewPage(c *gin.Context) *reviewPage {
	l := lang(c)
	v := &reviewPage{Lang: l, Other: locale.EN, T: reviewTexts[l], By: principal(c),
		States: []string{string(domain.Submitted), string(domain.Published), string(domain.Returned), string(domain.Withdrawn)}}
	if l == locale.EN {
		v.Other, v.LangQuery = locale.ID, "?lang=en"
	}
	if sess, ok := session(c); ok {
		v.CSRF = sess.CSRF
	}
	return v
}

func rowOf(sub domain.Submission) reviewRow {
	r := reviewRow{Submission: sub, When: sub.SubmittedAt.Format("2006-01-02 15:04 MST")}
	if sub.ReviewedAt != nil {
		r.Reviewed = sub.ReviewedAt.Format("2006-01-02 15:04 MST")
	}
	return r
}

// renderReview writes a review page; they are private and never cached.
func (s *Server) renderReview(c *gin.Context, status int, name string, v *reviewPage) {
	h := c.Writer.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(v.Lang))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", accountCSP)
	c.Status(status)
	if err := s.pages.ExecuteTemplate(c.Writer, name, v); err != nil {
		s.log.Error("render", "template", name, "err", err)
	}
}

// reviewListPage answers GET /tinjau: the submissions of one state
// (waiting ones first), for whoever may see them.
func (s *Server) reviewListPage(c *gin.Context) {
	v := s.newReviewPage(c)
	if err := requireViewer(v.By); err != nil {
		s.reviewProblem(c, v, err)
		return
	}
	q, err := submissionQuery(c, v.By)
	if err != nil {
		s.reviewProblem(c, v, err)
		return
	}
	if q.State == "" && c.Query("state") == "" {
		q.State = domain.Submitted // the work waiting, unless asked otherwise
	}
	v.State = string(q.State)
	subs, err := s.store.Submissions(c.Request.Context(), q)
	if err != nil {
		s.reviewProblem(c, v, err)
		return
	}
	for _, sub := range subs {
		v.Submissions = append(v.Submissions, rowOf(sub))
	}
	s.renderReview(c, http.StatusOK, "review_list.html", v)
}

// reviewProblem shows a failure on the review pages with its status.
func (s *Server) reviewProblem(c *gin.Context, v *reviewPage, err error) {
	status, _ := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("review page", "path", c.Request.URL.Path, "err", err)
		v.Problem = v.T["internal"]
	} else {
		v.Problem = domain.Message(err)
	}
	s.renderReview(c, status, "review_list.html", v)
}

// reviewDetailPage answers GET /tinjau/{id}: the submission, what
// publishing it would change now, its conversation and the actions the
// viewer may take.
func (s *Server) reviewDetailPage(c *gin.Context) {
	v := s.newReviewPage(c)
	s.showSubmission(c, v, http.StatusOK)
}

func (s *Server) showSubmission(c *gin.Context, v *reviewPage, status int) {
	ctx := c.Request.Context()
	sub, err := s.visibleSubmission(c, v.By)
	if err != nil {
		s.reviewProblem(c, v, err)
		return
	}
	row := rowOf(sub)
	v.Sub = &row
	if done := c.Query("selesai"); v.Problem == "" && v.T["done_"+done] != "" {
		v.Done = v.T["done_"+done]
	}
	if v.Comments, err = s.store.Comments(ctx, sub.ID); err != nil {
		s.reviewProblem(c, v, err)
		return
	}
	v.CanReview = domain.CanReview(v.By) && sub.State == domain.Submitted
	v.CanClose = domain.CanWithdraw(v.By, sub) && sub.State == domain.Submitted
	v.CanNote = domain.CanComment(v.By, sub)
	if sub.State == domain.Submitted {
		res, err := importer.PreviewSubmission(ctx, s.store, sub.ID, v.Lang, 0, nil)
		if err != nil && !errors.Is(err, domain.ErrInvalid) && !errors.Is(err, domain.ErrForbidden) {
			s.reviewProblem(c, v, err)
			return
		}
		a := answerOf(res)
		v.Answer, v.Changes = &a, changeRows(res, v.Lang)
		if cat, err := s.store.Catalog(ctx); err == nil {
			v.Names = map[string]string{}
			seen := map[string]bool{}
			for _, ch := range v.Changes {
				if ind, ok := cat.Indicators[ch.Indicator]; ok {
					v.Names["i:"+ch.Indicator] = ind.Name(v.Lang)
				}
				if r, ok := cat.Regions[ch.Region]; ok {
					v.Names["r:"+ch.Region] = r.Name
				}
				key := ch.Indicator + "\x00" + ch.Region
				if seen[key] || len(v.Series) == maxSeriesLinks {
					continue
				}
				seen[key] = true
				u := "/i/" + url.PathEscape(ch.Indicator) + "?region=" + url.QueryEscape(ch.Region) + "&pratinjau=" + strconv.FormatInt(sub.ID, 10)
				if v.Lang == locale.EN {
					u += "&lang=en"
				}
				v.Series = append(v.Series, seriesLink{Label: v.Names["i:"+ch.Indicator] + " — " + v.Names["r:"+ch.Region], URL: u})
			}
		}
		if err != nil && v.Problem == "" {
			v.Problem = v.T["nowRejected"] + " " + domain.Message(err)
		}
	}
	s.renderReview(c, status, "review.html", v)
}

// reviewAction answers the review page's forms: POST /tinjau/{id}/{action}
// (terbitkan, kembalikan, tarik, komentar). Success goes back to the page
// (303); a refusal shows the page with the reason and its status.
func (s *Server) reviewAction(c *gin.Context) {
	v := s.newReviewPage(c)
	p := v.By
	var err error
	done := ""
	switch c.Param("action") {
	case "terbitkan":
		var res importer.Result
		if res, err = s.publish(c, p); err == nil {
			done = "published"
		} else if res.Report != nil {
			a := answerOf(res)
			v.Answer = &a
		}
	case "kembalikan":
		_, err = s.closeSubmission(c, p, domain.Returned, strings.TrimSpace(c.PostForm("note")))
		done = "returned"
	case "tarik":
		_, err = s.closeSubmission(c, p, domain.Withdrawn, strings.TrimSpace(c.PostForm("note")))
		done = "withdrawn"
	case "komentar":
		_, err = s.comment(c, p, strings.TrimSpace(c.PostForm("body")))
		done = "commented"
	default:
		err = domain.Errorf(domain.ErrNotFound, "no such action %q", c.Param("action"))
	}
	if err != nil {
		status, _ := statusOf(err)
		if errors.Is(err, domain.ErrInvalid) && c.Param("action") == "terbitkan" {
			status = http.StatusUnprocessableEntity
		}
		v.Problem = domain.Message(err)
		if status == http.StatusInternalServerError {
			s.log.Error("review action", "path", c.Request.URL.Path, "err", err)
			v.Problem = v.T["internal"]
		}
		s.showSubmission(c, v, status)
		return
	}
	redirectLang(c, fmt.Sprintf("/tinjau/%s?selesai=%s", c.Param("id"), done))
}

// failAuth answers a refusal; a 401 carries the challenge RFC 6750 asks for.
func (s *Server) failAuth(c *gin.Context, err error) {
	if errors.Is(err, domain.ErrUnauthorized) {
		c.Header("WWW-Authenticate", `Bearer realm="pantau"`)
	}
	s.fail(c, err)
}

// reviewTexts are the review pages' strings.
var reviewTexts = locale.Sections("review")

// seriesPreview is what the indicator page says about a preview.
type seriesPreview struct {
	ID int64
	// Applied counts the submitted values put into this page's series.
	Applied int
}

// errPreviewGone says a preview's submission was reviewed meanwhile: the
// page redirects to the published data.
var errPreviewGone = errors.New("the submission is not waiting any more")

// previewSeries answers the indicator page's ?pratinjau={id}: the series as
// the public will see it once that submission is published, its values
// (observations of this region, targets of this region's plans and those
// above it) put over the published ones. Only people who may see the
// submission get it; the page is then private (never cached: the page
// cache skips previews and anything not anonymous, and it is no-store).
func (s *Server) previewSeries(c *gin.Context, sr *store.Series) (*seriesPreview, error) {
	raw := c.Query("pratinjau")
	if raw == "" {
		return nil, nil
	}
	p := principal(c)
	if err := viewer(c, p); err != nil {
		return nil, err
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return nil, domain.Errorf(domain.ErrInvalid, "pratinjau=%q is not a submission number", raw)
	}
	ctx := c.Request.Context()
	sub, err := s.seeSubmission(c, p, id)
	if err != nil {
		return nil, err
	}
	c.Header("Cache-Control", "private, no-store")
	c.Header("Vary", "Cookie, Authorization, Accept-Language")
	if sub.State != domain.Submitted {
		return nil, errPreviewGone
	}
	code := sr.Indicator.Code
	regions := map[string]bool{}
	for r := sr.Region.Code; r != ""; r = domain.ParentOfCode(r) {
		regions[r] = true
	}
	res, err := importer.PreviewSubmission(ctx, s.store, id, lang(c), math.MaxInt32, func(k domain.SeriesKey) bool {
		return k.IndicatorCode == code && (k.RegionCode == sr.Region.Code || (sub.Kind == domain.UploadTargets && regions[k.RegionCode]))
	})
	if err != nil {
		return nil, err
	}
	if sub.Kind == domain.UploadTargets {
		plans, err := s.store.Plans(ctx)
		if err != nil {
			return nil, err
		}
		applyTargetChanges(sr, res.Changes, plans)
	} else {
		applyChanges(sr, res.Changes)
	}
	return &seriesPreview{ID: id, Applied: len(res.Changes)}, nil
}

// applyChanges puts a preview's new and changed values into a series.
func applyChanges(sr *store.Series, changes []importer.Change) {
	for _, ch := range changes {
		i := slices.IndexFunc(sr.Observations, func(o domain.Observation) bool { return o.Disagg == ch.Disagg && o.Year == ch.Year })
		if i < 0 {
			sr.Observations = append(sr.Observations, domain.Observation{SeriesKey: ch.SeriesKey, Value: ch.New, Status: ch.Status})
			continue
		}
		sr.Observations[i].Value, sr.Observations[i].Status = ch.New, ch.Status
	}
	slices.SortFunc(sr.Observations, func(a, b domain.Observation) int {
		return cmp.Or(strings.Compare(string(a.Disagg), string(b.Disagg)), cmp.Compare(a.Year, b.Year))
	})
}

// applyTargetChanges puts a preview's new and changed targets into a
// series, with the plans they belong to.
func applyTargetChanges(sr *store.Series, changes []importer.Change, plans []domain.Plan) {
	for _, ch := range changes {
		t := domain.Target{PlanCode: ch.Plan, SeriesKey: ch.SeriesKey, Low: ch.New, High: ch.New}
		if ch.High != nil {
			t.High = *ch.High
		}
		i := slices.IndexFunc(sr.Targets, func(o domain.Target) bool {
			return o.PlanCode == t.PlanCode && o.RegionCode == t.RegionCode && o.Disagg == t.Disagg && o.Year == t.Year
		})
		if i < 0 {
			sr.Targets = append(sr.Targets, t)
		} else {
			sr.Targets[i].Low, sr.Targets[i].High = t.Low, t.High
		}
		if !slices.ContainsFunc(sr.Plans, func(p domain.Plan) bool { return p.Code == t.PlanCode }) {
			if j := slices.IndexFunc(plans, func(p domain.Plan) bool { return p.Code == t.PlanCode }); j >= 0 {
				sr.Plans = append(sr.Plans, plans[j])
			}
		}
	}
	slices.SortFunc(sr.Targets, func(a, b domain.Target) int {
		return cmp.Or(strings.Compare(a.PlanCode, b.PlanCode), strings.Compare(string(a.Disagg), string(b.Disagg)), cmp.Compare(a.Year, b.Year))
	})
}
