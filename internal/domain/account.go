package domain

import (
	"crypto/rand"
	"math/big"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a person (or an agency's token) may do in Pantau.
type Role string

// The roles. Public is everyone without a login: published data only.
const (
	// RoleAdmin manages the catalogue, regions, plans, agencies, users and
	// tokens, reads the audit log, and may write any indicator.
	RoleAdmin = Role("admin")
	// RoleUploader belongs to an agency and writes only the indicators
	// assigned to that agency, through the web or with the agency's token.
	RoleUploader = Role("uploader")
	// RolePlanner reads everything, unpublished data included, and writes nothing.
	RolePlanner = Role("planner")
	// RolePublic is the anonymous visitor.
	RolePublic = Role("public")
)

// ParseRole returns the role named s; only roles an account can hold
// (admin, uploader, planner) are accepted.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleAdmin, RoleUploader, RolePlanner:
		return r, nil
	}
	return "", Errorf(ErrInvalid, "role %q: want admin, uploader or planner", s)
}

// User is a person's account. The password hash never leaves the store.
type User struct {
	ID         int64     `json:"id" db:"id"`
	Email      string    `json:"email" db:"email"`
	Name       string    `json:"name" db:"name"`
	Role       Role      `json:"role" db:"role"`
	AgencyCode string    `json:"agency,omitempty" db:"agency_code"`
	CreatedAt  time.Time `json:"created_at" db:"created_at"`
	Disabled   bool      `json:"disabled" db:"disabled"`
	// LastLoginAt is nil for an account that has never logged in.
	LastLoginAt *time.Time `json:"last_login_at,omitempty" db:"last_login_at"`
	// Territory and Plans are an uploader's Scope, as stored (ScopeOf).
	Territory string `json:"territory,omitempty" db:"territory"`
	Plans     string `json:"plans,omitempty" db:"plans"`
}

// NormalizeEmail is the form an address is stored and looked up in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks an account before it is stored: a plain address, a role
// an account can hold, and an agency exactly when the role is uploader.
func (u User) Validate() error {
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || a.Name != "" || len(u.Email) > 254 {
		return Errorf(ErrInvalid, "email %q is not a plain address such as nama@banyuasinkab.go.id", u.Email)
	}
	if u.Email != NormalizeEmail(u.Email) {
		return Errorf(ErrInvalid, "email %q: use lower case", u.Email)
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return err
	}
	if utf8.RuneCountInString(u.Name) > MaxNameLength || !utf8.ValidString(u.Name) {
		return Errorf(ErrInvalid, "the name may have at most %d characters of valid UTF-8", MaxNameLength)
	}
	switch {
	case u.Role == RoleUploader && u.AgencyCode == "":
		return Errorf(ErrInvalid, "an uploader belongs to an agency: give its code")
	case u.Role != RoleUploader && u.AgencyCode != "":
		return Errorf(ErrInvalid, "only uploaders belong to an agency (role %s)", u.Role)
	case u.AgencyCode != "" && !ValidCode(u.AgencyCode):
		return Errorf(ErrInvalid, "agency code %q is not valid", u.AgencyCode)
	case u.Role != RoleUploader && (u.Territory != "" || u.Plans != ""):
		// A scope bounds what an uploader writes; for another role it
		// would be stored and shown while limiting nothing.
		return Errorf(ErrInvalid, "only uploaders have a territory and plans (role %s)", u.Role)
	}
	if _, err := ParseScope(u.Territory, u.Plans); err != nil {
		return err
	}
	return nil
}

// UserChange is an administrator's edit of an account; nil fields stay.
type UserChange struct {
	Name       *string `json:"name,omitempty"`
	Role       *Role   `json:"role,omitempty"`
	AgencyCode *string `json:"agency,omitempty"`
	Disabled   *bool   `json:"disabled,omitempty"`
	// Territory and Plans are an uploader's Scope as typed (ParseScope):
	// codes separated by spaces or commas; "" sets no limit of its own.
	Territory *string `json:"territory,omitempty"`
	Plans     *string `json:"plans,omitempty"`
}

// Apply returns u with the change made and validated. A role other than
// uploader drops the agency unless the change names one, so promoting an
// uploader needs no second field; it drops the scope unless the change
// names one, since only an uploader's scope limits anything. The scope is
// kept in its stored form (ScopeOf); whether its regions and plans exist
// is the store's to check.
func (u User) Apply(ch UserChange) (User, error) {
	if ch.Name != nil {
		u.Name = strings.TrimSpace(*ch.Name)
	}
	if ch.Role != nil {
		r, err := ParseRole(string(*ch.Role))
		if err != nil {
			return u, err
		}
		u.Role = r
		if r != RoleUploader && ch.AgencyCode == nil {
			u.AgencyCode = ""
		}
	}
	if ch.AgencyCode != nil {
		u.AgencyCode = strings.TrimSpace(*ch.AgencyCode)
	}
	if ch.Disabled != nil {
		u.Disabled = *ch.Disabled
	}
	if ch.Territory != nil {
		u.Territory = *ch.Territory
	}
	if ch.Plans != nil {
		u.Plans = *ch.Plans
	}
	if u.Role != RoleUploader && ch.Territory == nil && ch.Plans == nil {
		u.Territory, u.Plans = "", ""
	}
	scope, err := ParseScope(u.Territory, u.Plans)
	if err != nil {
		return u, err
	}
	u.Territory, u.Plans = scope.TerritoryText(), scope.PlansText()
	return u, u.Validate()
}

// MaxNameLength bounds a person's display name.
const MaxNameLength = 200

// ActiveAdmin reports whether u can administer Pantau now.
func (u User) ActiveAdmin() bool { return u.Role == RoleAdmin && !u.Disabled }

// Password bounds. bcrypt reads at most 72 bytes; a longer password would
// be silently cut, so it is refused instead.
const (
	MinPasswordLength = 10
	MaxPasswordBytes  = 72
)

// ValidatePassword checks a new password's length. Composition rules are
// left out on purpose (NIST SP 800-63B): length is what counts.
func ValidatePassword(pw string) error {
	switch {
	case !utf8.ValidString(pw):
		return Errorf(ErrInvalid, "the password is not valid UTF-8")
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return Errorf(ErrInvalid, "the password needs at least %d characters", MinPasswordLength)
	case len(pw) > MaxPasswordBytes:
		return Errorf(ErrInvalid, "the password may have at most %d bytes", MaxPasswordBytes)
	}
	return nil
}

// passwordAlphabet leaves out letters and digits read one for another
// (0/O, 1/l/I), since a generated password is read off a screen and typed.
const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// GeneratePassword returns a random password for an administrator to hand
// over once: 20 characters of a 57-letter alphabet, about 116 bits.
func GeneratePassword() string {
	b := make([]byte, 20)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(passwordAlphabet))))
		if err != nil {
			// crypto/rand does not fail on supported systems (Go 1.24+
			// crashes the program itself when it would).
			panic(err)
		}
		b[i] = passwordAlphabet[n.Int64()]
	}
	return string(b)
}

// PrincipalKind says how a request proved who it is.
type PrincipalKind string

// Principal kinds.
const (
	Anonymous = PrincipalKind("anonymous")
	ByUser    = PrincipalKind("user")
	ByToken   = PrincipalKind("token")
)

// Principal is whoever makes a request: a logged-in user, an agency token
// (which acts as an uploader of its agency), or the anonymous public.
type Principal struct {
	Kind       PrincipalKind `json:"kind"`
	Role       Role          `json:"role"`
	UserID     int64         `json:"user_id,omitempty"`
	Email      string        `json:"email,omitempty"`
	TokenID    int64         `json:"token_id,omitempty"`
	AgencyCode string        `json:"agency,omitempty"`
	// Scope is where an uploader's token or account may write.
	Scope Scope `json:"scope,omitzero"`
}

// PublicPrincipal is the anonymous visitor.
var PublicPrincipal = Principal{Kind: Anonymous, Role: RolePublic}

// UserPrincipal is a logged-in user.
func UserPrincipal(u User) Principal {
	return Principal{Kind: ByUser, Role: u.Role, UserID: u.ID, Email: u.Email, AgencyCode: u.AgencyCode, Scope: ScopeOf(u.Territory, u.Plans)}
}

// TokenPrincipal is an agency's API token: an uploader for that agency.
func TokenPrincipal(tokenID int64, agency string) Principal {
	return Principal{Kind: ByToken, Role: RoleUploader, TokenID: tokenID, AgencyCode: agency}
}

// String names the principal in the audit log and in other logs: never a
// secret, enough to find the account or token.
func (p Principal) String() string {
	switch p.Kind {
	case ByUser:
		return SourceRef{Kind: ByUser, ID: p.UserID, Detail: p.Email}.String()
	case ByToken:
		return SourceRef{Kind: ByToken, ID: p.TokenID, Detail: p.AgencyCode}.String()
	}
	return "public"
}

// Source names the principal where the public may read it: as the sender
// of an upload (and so the author of a revision) or the walidata who
// published it. It carries the account or token number and the agency,
// never an email address.
func (p Principal) Source() string {
	if p.Kind == ByUser {
		return SourceRef{Kind: ByUser, ID: p.UserID, Detail: p.AgencyCode}.String()
	}
	return p.String()
}

// SourceRef is an account or token named as String, Source and the audit
// log's objects name it: "user:3:bps-banyuasin", "token:7:dinkes",
// "user:3".
type SourceRef struct {
	Kind PrincipalKind // ByUser or ByToken
	ID   int64
	// Detail is what follows the number: the agency code (Source, a
	// token's String), a user's email address (String), or nothing (an
	// audit object).
	Detail string
}

// String writes the reference as ParseSource reads it.
func (r SourceRef) String() string {
	s := string(r.Kind) + ":" + strconv.FormatInt(r.ID, 10)
	if r.Detail != "" {
		s += ":" + r.Detail
	}
	return s
}

// Ref names account or token id of kind without detail, as the audit log
// names the object of an action: "user:3", "token:7".
func Ref(kind PrincipalKind, id int64) string { return SourceRef{Kind: kind, ID: id}.String() }

// ParseSource reads what SourceRef.String wrote (and so String, Source and
// Ref); false for any other source: the command line's "cli:NAME", the
// demo's "demo", "public".
func ParseSource(s string) (SourceRef, bool) {
	kind, rest, _ := strings.Cut(s, ":")
	num, detail, _ := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || PrincipalKind(kind) != ByUser && PrincipalKind(kind) != ByToken {
		return SourceRef{}, false
	}
	return SourceRef{Kind: PrincipalKind(kind), ID: id, Detail: detail}, true
}

// LoggedIn reports whether the principal is a person with an account.
func (p Principal) LoggedIn() bool { return p.Kind == ByUser }

// IsAdmin reports whether the principal administers Pantau.
func (p Principal) IsAdmin() bool { return p.Role == RoleAdmin }

// CanUpload reports whether the principal may send files at all; which
// indicators it may write is CanWrite's answer.
func (p Principal) CanUpload() bool { return p.Role == RoleAdmin || p.Role == RoleUploader }

// CanPreview reports whether the principal may read data that is not yet
// published (planners, administrators, and uploaders for their own
// agency's uploads — the latter decided per submission by CanSeeSubmission).
func (p Principal) CanPreview() bool { return p.Role == RoleAdmin || p.Role == RolePlanner }

// UploadAgency is the agency an upload by p is limited to: "" (no limit)
// for administrators, the principal's agency for uploaders.
func (p Principal) UploadAgency() string {
	if p.Role == RoleAdmin {
		return ""
	}
	return p.AgencyCode
}

// CanWrite reports whether p may write values of ind: administrators any
// indicator, uploaders those assigned to their agency, nobody else any.
func CanWrite(p Principal, ind Indicator) bool {
	switch p.Role {
	case RoleAdmin:
		return true
	case RoleUploader:
		return p.AgencyCode != "" && ind.AgencyCode == p.AgencyCode
	}
	return false
}
