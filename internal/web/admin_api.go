package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/store"
)

// Administration API: accounts and agency tokens, administrators only (see
// routes.go). Every write is recorded by auditWrites with the action,
// object and detail set here; passwords and token secrets never are.

// maxAdminBody bounds the JSON body of an administration request.
const maxAdminBody = 64 << 10

// decodeJSON reads a JSON object into v; unknown fields are refused, so a
// misspelt "disabeld" is an error instead of a silent no-op. With emptyOK
// an empty body leaves v as it is.
func decodeJSON(c *gin.Context, v any, emptyOK bool) error {
	dec := json.NewDecoder(io.LimitReader(c.Request.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if emptyOK && errors.Is(err, io.EOF) {
			return nil
		}
		return domain.Errorf(domain.ErrInvalid, "the body is not the JSON object expected: %v", err)
	}
	return nil
}

// newUser is the body of POST /api/v1/users. Without a password one is
// generated and answered once.
type newUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Agency   string `json:"agency"`
	Password string `json:"password"`
	// Territory and Plans are an uploader's scope (domain.ParseScope).
	Territory string `json:"territory"`
	Plans     string `json:"plans"`
}

// listUsers answers GET /api/v1/users: every account, oldest first.
func (s *Server) listUsers(c *gin.Context) {
	private(c)
	users, err := s.store.Users(c.Request.Context())
	s.answer(c, users, err)
}

// createUser answers POST /api/v1/users.
func (s *Server) createUser(c *gin.Context) {
	private(c)
	var req newUser
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	u, generated, err := s.addUser(c, req)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, withPassword(u, generated))
}

// addUser creates an account for the API and the page alike, generating
// the password when none is given, and describes the write for the audit
// log. It returns the generated password ("" when one was given).
func (s *Server) addUser(c *gin.Context, req newUser) (domain.User, string, error) {
	role, err := domain.ParseRole(req.Role)
	if err != nil {
		return domain.User{}, "", err
	}
	generated := ""
	if req.Password == "" {
		generated = domain.GeneratePassword()
		req.Password = generated
	}
	u, err := s.store.CreateUser(c.Request.Context(), domain.User{Email: req.Email, Name: req.Name, Role: role, AgencyCode: req.Agency,
		Territory: req.Territory, Plans: req.Plans}, req.Password)
	if err != nil {
		return u, "", err
	}
	c.Set(auditActionKey, "user_create")
	c.Set(auditObjectKey, domain.Ref(domain.ByUser, u.ID))
	c.Set(auditDetailKey, userDetail(u))
	return u, generated, nil
}

// userDetail is an account as the audit log records it.
func userDetail(u domain.User) string {
	d := u.Email + " " + string(u.Role)
	if u.AgencyCode != "" {
		d += " " + u.AgencyCode
	}
	if u.Disabled {
		d += " disabled"
	}
	return d + scopeDetail(domain.ScopeOf(u.Territory, u.Plans))
}

// updateUser answers PATCH /api/v1/users/{id}: name, role, agency,
// disabled, and an uploader's territory and plans (each a region or plan
// of the catalogue, else 400 naming it). Disabling ends the account's
// sessions; leaving no active administrator is 409.
func (s *Server) updateUser(c *gin.Context) {
	private(c)
	id, err := idParam(c, "user")
	if err != nil {
		s.fail(c, err)
		return
	}
	var ch domain.UserChange
	if err := decodeJSON(c, &ch, false); err != nil {
		s.fail(c, err)
		return
	}
	u, err := s.changeUser(c, id, ch)
	s.answer(c, u, err)
}

// changeUser applies a change for the API and the page alike and
// describes it for the audit log: the account before and after.
func (s *Server) changeUser(c *gin.Context, id int64, ch domain.UserChange) (domain.User, error) {
	before, after, err := s.store.UpdateUser(c.Request.Context(), id, ch)
	if err != nil {
		return after, err
	}
	action := "user_update"
	switch {
	case after.Disabled && !before.Disabled:
		action = "user_disable"
	case !after.Disabled && before.Disabled:
		action = "user_enable"
	}
	c.Set(auditActionKey, action)
	c.Set(auditObjectKey, domain.Ref(domain.ByUser, id))
	c.Set(auditDetailKey, userDetail(before)+" → "+userDetail(after))
	return after, nil
}

// resetUserPassword answers POST /api/v1/users/{id}/password: the given
// password, or a generated one answered once; every session of the
// account ends.
func (s *Server) resetUserPassword(c *gin.Context) {
	private(c)
	id, err := idParam(c, "user")
	if err != nil {
		s.fail(c, err)
		return
	}
	var req struct {
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &req, true); err != nil {
		s.fail(c, err)
		return
	}
	u, generated, err := s.resetPassword(c, id, req.Password)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, withPassword(u, generated))
}

// withPassword is an account answer, with the password Pantau generated
// for it when it did (shown this once).
func withPassword(u domain.User, generated string) gin.H {
	body := gin.H{"data": u}
	if generated != "" {
		body["password"] = generated
	}
	return body
}

// resetPassword sets an account's password (generated when pw is empty)
// for the API and the page alike, and describes it for the audit log.
func (s *Server) resetPassword(c *gin.Context, id int64, pw string) (domain.User, string, error) {
	ctx := c.Request.Context()
	generated := ""
	if pw == "" {
		generated = domain.GeneratePassword()
		pw = generated
	}
	if err := s.store.SetPassword(ctx, id, pw); err != nil {
		return domain.User{}, "", err
	}
	u, err := s.store.User(ctx, id)
	if err != nil {
		return u, "", err
	}
	c.Set(auditActionKey, "password_reset")
	c.Set(auditObjectKey, domain.Ref(domain.ByUser, id))
	detail := u.Email + ": password set by the administrator; sessions ended"
	if generated != "" {
		detail = u.Email + ": password generated; sessions ended"
	}
	c.Set(auditDetailKey, detail)
	return u, generated, nil
}

// createToken answers POST /api/v1/tokens: a new token for an agency. The
// secret is in this answer only; it is not stored and cannot be shown again.
func (s *Server) createToken(c *gin.Context) {
	private(c)
	var req struct {
		Agency string `json:"agency"`
		Label  string `json:"label"`
		// Territory and Plans are the token's scope: codes separated by
		// spaces (domain.ParseScope).
		Territory string `json:"territory"`
		Plans     string `json:"plans"`
	}
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	secret, t, err := s.addToken(c, req.Agency, req.Label, req.Territory, req.Plans)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"data": t, "secret": secret})
}

// addToken makes a token for the API and the page alike and describes it
// for the audit log (never the secret).
func (s *Server) addToken(c *gin.Context, agency, label, territory, plans string) (string, store.Token, error) {
	if !domain.ValidCode(agency) {
		return "", store.Token{}, domain.Errorf(domain.ErrInvalid, "agency %q is not an agency code", agency)
	}
	scope, err := domain.ParseScope(territory, plans)
	if err != nil {
		return "", store.Token{}, err
	}
	secret, t, err := s.store.CreateScopedToken(c.Request.Context(), agency, label, scope)
	if err != nil {
		return "", t, err
	}
	c.Set(auditActionKey, "token_create")
	c.Set(auditObjectKey, domain.Ref(domain.ByToken, t.ID))
	c.Set(auditDetailKey, "agency "+t.AgencyCode+" label "+strconv.Quote(t.Label)+scopeDetail(scope))
	return secret, t, nil
}

// scopeDetail describes a scope for the audit log ("" when it sets no
// limit of its own).
func scopeDetail(scope domain.Scope) string {
	var b strings.Builder
	if t := scope.TerritoryText(); t != "" {
		b.WriteString(" territory " + strconv.Quote(t))
	}
	if p := scope.PlansText(); p != "" {
		b.WriteString(" plans " + strconv.Quote(p))
	}
	return b.String()
}

// revokeTokenAudited revokes a token for the API and the page alike and
// describes it for the audit log.
func (s *Server) revokeTokenAudited(c *gin.Context, id int64) (store.TokenStatus, error) {
	t, err := s.store.RevokeToken(c.Request.Context(), id, principal(c).String())
	if err != nil {
		return t, err
	}
	c.Set(auditActionKey, "token_revoke")
	c.Set(auditObjectKey, domain.Ref(domain.ByToken, id))
	c.Set(auditDetailKey, "agency "+t.AgencyCode)
	return t, nil
}
