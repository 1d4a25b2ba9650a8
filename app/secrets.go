package app

import (
	"errors"
	"fmt"
	"sync"

	"github.com/zalando/go-keyring"
)

// Secrets keeps the API token. The real one is the OS keyring; the demo and
// tests use Memory.
type Secrets interface {
	Get(account string) (string, error) // ErrNoToken when nothing is stored
	Set(account, secret string) error
	Delete(account string) error // ErrNoToken when nothing is stored
}

// ErrNoToken means no token is stored for this installation.
var ErrNoToken = errors.New("no Chat2Desk token is stored")

// ErrTokenElsewhere is ErrNoToken on a PC of an office: the office's
// account is connected, with the token in another PC's keyring.
var ErrTokenElsewhere = fmt.Errorf("%w on this computer; another C2Desk of the office holds it", ErrNoToken)

// KeyringError means the OS keyring could not be used.
type KeyringError struct{ Err error }

func (e *KeyringError) Error() string { return "system keyring: " + e.Err.Error() }
func (e *KeyringError) Unwrap() error { return e.Err }

// KeyringService is the service name C2Desk's entries carry in the keyring.
const KeyringService = "C2Desk"

// Keyring stores secrets in the OS keyring: Secret Service on Linux,
// Credential Manager on Windows, Keychain on macOS.
type Keyring struct{}

// Get reads a secret.
func (Keyring) Get(account string) (string, error) {
	v, err := keyring.Get(KeyringService, account)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNoToken
	}
	if err != nil {
		return "", &KeyringError{err}
	}
	return v, nil
}

// Set writes a secret.
func (Keyring) Set(account, secret string) error {
	if err := keyring.Set(KeyringService, account, secret); err != nil {
		return &KeyringError{err}
	}
	return nil
}

// Delete removes a secret.
func (Keyring) Delete(account string) error {
	err := keyring.Delete(KeyringService, account)
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNoToken
	}
	if err != nil {
		return &KeyringError{err}
	}
	return nil
}

// Memory keeps secrets in memory only: for --demo, where nothing real is
// protected, and for tests.
type Memory struct {
	mu sync.Mutex
	m  map[string]string
}

// Get reads a secret.
func (s *Memory) Get(account string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[account]
	if !ok {
		return "", ErrNoToken
	}
	return v, nil
}

// Set writes a secret.
func (s *Memory) Set(account, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]string{}
	}
	s.m[account] = secret
	return nil
}

// Delete removes a secret.
func (s *Memory) Delete(account string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[account]; !ok {
		return ErrNoToken
	}
	delete(s.m, account)
	return nil
}

func (s *Memory) String() string { return fmt.Sprintf("app.Memory{%d secrets}", len(s.m)) }
