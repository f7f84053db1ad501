package web

import (
	"cmp"
	"errors"
	"fmt"
	"math"
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

// The review pages (/tinjau): the walidata's list of submissions and a
// submission with what publishing it would change; and the indicator
// page's preview of one (?pratinjau=).

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
	Comments []commentRow
	Answer   *uploadAnswer
	Changes  []changeRow
	Problem  string
	Done     string
	// Names are the catalogue's names of the codes the changes show, and
	// Agencies the agencies' names by code.
	Names    map[string]string
	Agencies map[string]string
	// Series link to the indicator pages with the submission's values put
	// in (?pratinjau=), one per indicator and region it changes.
	Series    []seriesLink
	CanReview bool
	CanClose  bool
	CanNote   bool
}

// seriesLink is a link to an indicator page (previewed, or changed by an
// upload).
type seriesLink struct{ Label, URL string }

// changeNames names the indicators and regions of changes from the
// catalogue (keys "i:CODE", "r:CODE") and links each indicator and region
// they touch, once, with query added to each link; max bounds the links
// (negative: no bound).
func changeNames(cat *domain.Catalog, changes []changeRow, l locale.Lang, query string, max int) (map[string]string, []seriesLink) {
	names := map[string]string{}
	var links []seriesLink
	seen := map[string]bool{}
	for _, ch := range changes {
		if ind, ok := cat.Indicators[ch.Indicator]; ok {
			names["i:"+ch.Indicator] = ind.Name(l)
		}
		if r, ok := cat.Regions[ch.Region]; ok {
			names["r:"+ch.Region] = r.Name
		}
		key := ch.Indicator + "\x00" + ch.Region
		if seen[key] || len(links) == max {
			continue
		}
		seen[key] = true
		u := "/i/" + url.PathEscape(ch.Indicator) + "?region=" + url.QueryEscape(ch.Region) + query
		if cl := carriedLang(l); cl != "" {
			u += "&lang=" + cl.String()
		}
		links = append(links, seriesLink{Label: cmp.Or(names["i:"+ch.Indicator], ch.Indicator) + " — " + cmp.Or(names["r:"+ch.Region], ch.Region), URL: u})
	}
	return names, links
}

// maxSeriesLinks bounds the preview links a review page lists.
const maxSeriesLinks = 12

// reviewRow is a submission with what the pages show about it: who sent
// and reviewed it by name and agency, when in the home region's zone.
type reviewRow struct {
	domain.Submission
	When, Reviewed   string
	Sender, Reviewer string
}

// commentRow is a comment with its author named and its time zoned.
type commentRow struct {
	domain.Comment
	Who, When string
}

func (s *Server) newReviewPage(c *gin.Context) *reviewPage {
	l := lang(c)
	v := &reviewPage{Lang: l, Other: l.Other(), T: reviewTexts[l], By: principal(c),
		States: []string{string(domain.Submitted), string(domain.Published), string(domain.Returned), string(domain.Withdrawn)}}
	if cl := carriedLang(l); cl != "" {
		v.LangQuery = "?lang=" + cl.String()
	}
	if sess, ok := session(c); ok {
		v.CSRF = sess.CSRF
	}
	return v
}

// whoAndWhen names the people and zones the times of the review pages.
type whoAndWhen struct {
	who  *people
	zone domain.Zone
}

func (s *Server) whoAndWhen(c *gin.Context, l locale.Lang) whoAndWhen {
	return whoAndWhen{who: s.people(c.Request.Context(), l), zone: s.homeZone(c.Request.Context())}
}

func (w whoAndWhen) row(l locale.Lang, sub domain.Submission) reviewRow {
	r := reviewRow{Submission: sub, When: localTime(l, sub.SubmittedAt, w.zone), Sender: w.who.name(sub.SubmittedBy)}
	if sub.ReviewedAt != nil {
		r.Reviewed = localTime(l, *sub.ReviewedAt, w.zone)
	}
	if sub.ReviewedBy != "" {
		r.Reviewer = w.who.name(sub.ReviewedBy)
	}
	return r
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
	ww := s.whoAndWhen(c, v.Lang)
	v.Agencies = ww.who.agencies
	for _, sub := range subs {
		v.Submissions = append(v.Submissions, ww.row(v.Lang, sub))
	}
	s.renderPage(c, http.StatusOK, reviewFrame, "review_list.html", v)
}

// reviewProblem shows a failure on the review pages with its status.
func (s *Server) reviewProblem(c *gin.Context, v *reviewPage, err error) {
	s.showProblem(c, reviewFrame, "review_list.html", v, err, pageWords{internal: v.T["internal"], known: knownMessage})
}

// setProblem shows a failure's message above the list or submission.
func (v *reviewPage) setProblem(msg string) { v.Problem = msg }

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
	ww := s.whoAndWhen(c, v.Lang)
	row := ww.row(v.Lang, sub)
	v.Sub, v.Agencies = &row, ww.who.agencies
	if done := c.Query("selesai"); v.Problem == "" && v.T["done_"+done] != "" {
		v.Done = v.T["done_"+done]
	}
	comments, err := s.store.Comments(ctx, sub.ID)
	if err != nil {
		s.reviewProblem(c, v, err)
		return
	}
	for _, cm := range comments {
		v.Comments = append(v.Comments, commentRow{Comment: cm, Who: ww.who.name(cm.Author), When: localTime(v.Lang, cm.At, ww.zone)})
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
			v.Names, v.Series = changeNames(cat, v.Changes, v.Lang, "&pratinjau="+strconv.FormatInt(sub.ID, 10), maxSeriesLinks)
		}
		if err != nil && v.Problem == "" {
			v.Problem = v.T["nowRejected"] + " " + domain.Message(err)
		}
	}
	s.renderPage(c, status, reviewFrame, "review.html", v)
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
	for _, r := range domain.AncestryOfCode(sr.Region.Code) {
		regions[r] = true
	}
	res, err := importer.PreviewSubmission(ctx, s.store, id, lang(c), math.MaxInt32, func(k domain.ObservationKey) bool {
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
			sr.Observations = append(sr.Observations, domain.Observation{ObservationKey: ch.ObservationKey, Value: ch.New, Status: ch.Status})
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
		t := domain.Target{PlanCode: ch.Plan, ObservationKey: ch.ObservationKey, Low: ch.New, High: ch.New}
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
