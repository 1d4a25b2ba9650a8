//go:build !windows

package app

// osProxy: outside Windows, the environment's variables are the setting.
func osProxy() proxySetting { return proxySetting{} }
