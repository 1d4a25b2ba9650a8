package app

import (
	"context"
	"errors"
	"strings"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// Sentences shown to office staff. Each is also the key of its translation
// in assets/translations, so the UI passes it through lang.L unchanged.
const (
	MsgEmptyToken     = "Paste the API token first."
	MsgTokenFormat    = "This does not look like an API token: it has spaces inside. Copy the token again from Chat2Desk."
	MsgAuth           = "Chat2Desk did not accept this token. Copy it again in Chat2Desk: API and scripts › API › API token › Show."
	MsgRateLimit      = "Chat2Desk is receiving too many requests from this account right now. Wait a minute and try again."
	MsgQuota          = "This Chat2Desk account has used up its API requests for this month. Ask Chat2Desk to raise the limit, or wait for the next month."
	MsgTimeout        = "Chat2Desk did not answer in time. Check the internet connection and try again."
	MsgNetwork        = "Chat2Desk cannot be reached. Check the internet connection and try again."
	MsgServer         = "Chat2Desk has a problem on its side. Try again in a few minutes."
	MsgMalformed      = "Chat2Desk sent an answer C2Desk could not read. Try again later; if it repeats, contact support."
	MsgNotFound       = "Chat2Desk does not know this address. Check the API address in the settings."
	MsgValidation     = "Chat2Desk refused the request as incomplete or invalid."
	MsgKeyring        = "The system keyring is not available, so the token cannot be kept safely. Unlock the keyring (or log in to the desktop again) and retry."
	MsgNotConnected   = "C2Desk is not connected to Chat2Desk yet. Connect the account in Settings first."
	MsgTokenElsewhere = "This computer has no Chat2Desk token of its own: the office's C2Desk that has one calls Chat2Desk for everyone. To call it from here too, replace the token on this computer."
	MsgDiskFull       = "The disk is full. Free some space and try again; nothing was lost."
	MsgTooNew         = "This data was written by a newer C2Desk. Install the newer version to open it."
	MsgCancelled      = "Stopped."
	MsgOperatorGone   = "Chat2Desk no longer has the operator this message would go out under. An administrator should load the operators again in the Operators tab; then press Retry."
	MsgClientGone     = "Chat2Desk no longer has this client: it may have been deleted there. The chat stays here for reference."
	MsgChatGone       = "Chat2Desk no longer has this chat: it may have been deleted there. It stays here for reference."
	MsgRunning        = "C2Desk is already open on this computer. Look for its window, or for its icon in the system tray."
	MsgOfficeDown     = "The office database cannot be reached: its server may be off or the network cut. What you typed stays here."
	MsgOfficePassword = "The office database did not accept the password: check it, or ask your administrator for the current one."
	// MsgOfficeRefusedHere: at start, the office no longer takes the
	// password this computer keeps (it was changed, or the computer removed).
	MsgOfficeRefusedHere = "The office database no longer accepts this computer's password. Ask an administrator for an invitation and join again: c2desk office join."
	MsgOfficeLocale      = "The office database was created without a UTF-8 locale, so C2Desk could not search Russian text in it. Create it again with: createdb --locale=C.UTF-8 --template=template0"
	MsgOfficeNotEmpty    = "The office database already holds an office's data, so nothing was copied. Join it instead."
	MsgUnknown           = "Something went wrong. Try again; if it repeats, contact support and attach the log file."
)

// ErrAlreadyRunning: another C2Desk process works with the same data
// folder. Two would both poll and could both send one queued message.
var ErrAlreadyRunning = errors.New("another C2Desk works with this data folder")

// explainKey finds the sentence for errors that are not a Problem.
func explainKey(err error) string {
	var (
		auth     *c2dapi.AuthError
		rate     *c2dapi.RateLimitError
		quota    *c2dapi.QuotaError
		nf       *c2dapi.NotFoundError
		invalid  *c2dapi.ValidationError
		server   *c2dapi.ServerError
		decode   *c2dapi.DecodeError
		net      *c2dapi.NetworkError
		kr       *KeyringError
		tooNew   *storage.TooNewError
		notEmpty *storage.ErrOfficeNotEmpty
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrEmptyToken):
		return MsgEmptyToken
	case errors.Is(err, ErrTokenFormat):
		return MsgTokenFormat
	case errors.Is(err, errTemplatesNotLoaded):
		return MsgTemplatesNotLoaded
	case errors.Is(err, ErrTokenElsewhere):
		return MsgTokenElsewhere
	case errors.Is(err, ErrNoToken):
		return MsgNotConnected
	case errors.As(err, &quota):
		return MsgQuota
	case errors.As(err, &rate):
		return MsgRateLimit
	case errors.As(err, &auth):
		return MsgAuth
	case c2dapi.AboutField(err, "operator_id"):
		return MsgOperatorGone
	case c2dapi.AboutField(err, "client_id"), errors.As(err, &nf) && strings.HasPrefix(nf.Path, "/clients/"):
		return MsgClientGone
	case errors.As(err, &nf) && strings.HasPrefix(nf.Path, "/dialogs/"):
		return MsgChatGone
	case errors.As(err, &nf):
		return MsgNotFound
	case errors.As(err, &invalid):
		return MsgValidation
	case errors.As(err, &server):
		return MsgServer
	case errors.As(err, &decode):
		return MsgMalformed
	case errors.Is(err, context.Canceled):
		return MsgCancelled
	case errors.As(err, &net) && net.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return MsgTimeout
	case errors.As(err, &net):
		return MsgNetwork
	case errors.As(err, &kr):
		return MsgKeyring
	case errors.Is(err, storage.ErrDiskFull):
		return MsgDiskFull
	case errors.Is(err, storage.ErrOfficePassword):
		return MsgOfficePassword
	case errors.Is(err, storage.ErrOfficeUnreachable):
		return MsgOfficeDown
	case errors.Is(err, storage.ErrOfficeLocale):
		return MsgOfficeLocale
	case errors.As(err, &notEmpty):
		return MsgOfficeNotEmpty
	case errors.As(err, &tooNew):
		return MsgTooNew
	case errors.Is(err, ErrAlreadyRunning):
		return MsgRunning
	case errors.Is(err, storage.ErrForbidden):
		return MsgForbidden
	case errors.Is(err, storage.ErrOfficeBehind):
		return MsgOfficeBehind
	case errors.Is(err, storage.ErrInvitationInvalid):
		return MsgInvitationInvalid
	case errors.Is(err, storage.ErrCannotMakeRoles):
		return MsgCannotMakeRoles
	}
	return MsgUnknown
}

// Messages lists every sentence Explain can return, for translation checks.
func Messages() []string {
	return []string{MsgEmptyToken, MsgTokenFormat, MsgAuth, MsgRateLimit, MsgQuota, MsgTimeout, MsgNetwork, MsgServer,
		MsgMalformed, MsgNotFound, MsgValidation, MsgKeyring, MsgNotConnected, MsgTokenElsewhere, MsgTemplatesNotLoaded, MsgNoSuchGroup, MsgNoMessageToTransfer, MsgDiskFull, MsgTooNew, MsgCancelled, MsgUnknown, MsgOperatorGone, MsgClientGone, MsgChatGone, MsgRunning,
		MsgOfficeDown, MsgOfficePassword, MsgOfficeRefusedHere, MsgOfficeLocale, MsgOfficeReadable, MsgSessionEnded, MsgOfficeNotEmpty, MsgOtherPolls,
		MsgCloseRefused, MsgReopenRefused, MsgTransferRefused, MsgGroupTransferRefused,
		MsgNotAllowed, MsgWrongPIN, MsgPINWait, MsgPINFormat, MsgNameEmpty, MsgNameTooLong, MsgNameTaken, MsgStaffInactive, MsgLastAdmin,
		MsgNotYourself, MsgStaffExists, MsgUnknownStaff, MsgBadRole, MsgSayWhoYouAre, MsgNobodyCalled,
		MsgComputerRemoved, MsgNoPINInOffice, MsgForbidden, MsgOfficeBehind, MsgInvitationInvalid, MsgInvitationFormat, MsgNotJoined, MsgPINRequired, MsgMayNoLongerSend, MsgCannotMakeRoles, MsgOfficeNeedsAdmin, MsgNoPollerHere, MsgStorageWherePolls,
		MsgNeedDefault, MsgDefaultNotUsable, MsgOwnerNotUsable, MsgOwnerTwice, MsgUnknownOperator, MsgOwnerInactive, MsgOwnerUnknownStaff,
		MsgRuleNeedsStaff, MsgBadVisibility, MsgUnknownChannel, MsgChannelStillLive,
		MsgConfigUnreadable, MsgConfigTooNew, MsgConfigForeign, MsgConfigBadStaff, MsgConfigDupStaff, MsgConfigNoOwner, MsgConfigAdminNoPIN,
		PlanAddStaff, PlanChangeRole, PlanDeactivate, PlanActivate, PlanOwner, PlanDefault, PlanRule, PlanRuleChosen, PlanNothing, MsgNoOperator, MsgEmptyMessage, MsgNotYourChat, MsgUnclearSend, MsgQuoteGone, MsgRemindAfterRange, MsgReportPeriod, MsgReportFormat, MsgReportDates,
		MsgFieldNumber, MsgFieldNotEditable, MsgNoSuchField, MsgNoSuchTag, MsgCommentTooLong, MsgClientCardRefused,
		MsgNoFileStorage, MsgFileTooBig, MsgFileEmpty, MsgFileRefused, MsgStorageEndpoint, MsgStorageBucket, MsgStorageKeys, MsgStorageLinkDays,
		MsgStorageCheckFailed, MsgStorageSecretMissing, MsgStorageRefused, MsgStorageUnreachable, MsgMediaUnavailable, MsgMediaTooBig, MsgLinkNotPublic, MsgNotOpened, MsgProxyAuth, MsgProxyRefused, MsgProxyDown,
		MsgWebhookMissed, MsgWebhookOff, MsgBadPublicURL, MsgPollInterval, MsgOfficeHours,
		MsgNoSuchStaff, MsgPhoneFormat, MsgPickChannel, MsgWriteFirstOff, MsgChannelNotOpen, MsgNewChatRejected, MsgClientNotYours,
		LabelNobody, LabelNone, LabelAdmin, LabelAgent, LabelEveryone, LabelAdminsOnly}
}
