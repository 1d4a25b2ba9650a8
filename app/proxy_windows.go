package app

import "github.com/mattn/go-ieproxy"

// osProxy is the proxy set in Windows: by hand, by a PAC script, or found
// by automatic detection (WPAD), as browsers there follow it.
func osProxy() proxySetting {
	conf := ieproxy.GetConf()
	var source string
	switch {
	case conf.Automatic.Active && conf.Automatic.PreConfiguredURL != "":
		source = "Windows settings (the script at " + conf.Automatic.PreConfiguredURL + ")"
	case conf.Automatic.Active:
		source = "Windows settings (automatic detection)"
	case conf.Static.Active:
		source = "Windows settings"
	default:
		return proxySetting{}
	}
	return proxySetting{source: source, forReq: ieproxy.GetProxyFunc()}
}
