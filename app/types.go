package app

import (
	"c2desk/c2dapi"
	"c2desk/storage"
)

// The records and words the screens work with, named here so that the UI
// needs app alone: ui → app → (c2dapi, storage).
type (
	Attachment    = storage.Attachment
	Changes       = storage.Changes
	Channel       = storage.Channel
	ChannelRule   = storage.ChannelRule
	Chat          = storage.Chat
	ChatFilter    = storage.ChatFilter
	Computer      = storage.Computer
	Connection    = storage.Connection
	Dialog        = storage.Dialog
	DialogEvent   = storage.DialogEvent
	Mapping       = storage.Mapping
	Message       = storage.Message
	Operator      = storage.Operator
	OperatorGroup = storage.OperatorGroup
	OutboxFile    = storage.OutboxFile
	OutboxItem    = storage.OutboxItem
	Staff         = storage.Staff
	Tag           = storage.Tag
	WriteFirst    = storage.WriteFirst
)

// Staff roles, channel rules, the outbox's states and whether the tariff
// lets C2Desk write first.
const (
	RoleAdmin         = storage.RoleAdmin
	EventTransferred  = storage.EventTransferred
	EventClosed       = storage.EventClosed
	RoleAgent         = storage.RoleAgent
	VisibleToEveryone = storage.VisibleToEveryone
	VisibleToAdmins   = storage.VisibleToAdmins
	VisibleToListed   = storage.VisibleToListed
	OutboxQueued      = storage.OutboxQueued
	OutboxSending     = storage.OutboxSending
	OutboxUnclear     = storage.OutboxUnclear
	OutboxFailed      = storage.OutboxFailed
	WriteFirstAllowed = storage.WriteFirstAllowed
	WriteFirstRefused = storage.WriteFirstRefused
)

// Chat2Desk's words: a dialog's state, a message's kind, an operator's role.
const (
	DialogOpen              = c2dapi.DialogOpen
	DialogClosed            = c2dapi.DialogClosed
	TypeFromClient          = c2dapi.TypeFromClient
	TypeToClient            = c2dapi.TypeToClient
	TypeSystem              = c2dapi.TypeSystem
	TypeAutoreply           = c2dapi.TypeAutoreply
	TypeComment             = c2dapi.TypeComment
	OperatorRoleUnconfirmed = c2dapi.RoleUnconfirmed
	OperatorRoleOperator    = c2dapi.RoleOperator
	OperatorRoleSupervisor  = c2dapi.RoleSupervisor
	OperatorRoleAdmin       = c2dapi.RoleAdmin
	OperatorRoleDisabled    = c2dapi.RoleDisabled
	OperatorRoleDeleted     = c2dapi.RoleDeleted
)

// IsOfficeURL reports whether s is an office database's address.
func IsOfficeURL(s string) bool { return storage.IsOfficeURL(s) }
