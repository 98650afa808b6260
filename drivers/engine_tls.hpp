// TLS to a tcp:// engine (docker_host::tls): the OpenSSL context made from
// DOCKER_CERT_PATH's files, and the words for what goes wrong with it.
// Private to the engine client and make_driver (it includes Asio's SSL).
//
// Blocking: make_tls_context reads three small files.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <memory>
#include <string>

#include "desired_state/result.hpp"
#include "drivers/docker_host.hpp"

namespace driftless::drivers::docker {

// A client context that trusts only `tls.ca_file`, presents `tls.cert_file`
// with `tls.key_file`, and speaks TLS 1.2 or newer. An error ("invalid")
// names the file that is missing, unreadable or wrong, and what it must be.
[[nodiscard]] result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const engine_tls& tls);

// Whether `ec` came from TLS (OpenSSL's category, or a stream cut short).
[[nodiscard]] bool is_tls_error(const boost::system::error_code& ec);

// What a TLS failure with the engine at `endpoint` means for the user: the
// engine's certificate not vouched for by ca.pem, the engine refusing
// driftless's certificate, or else OpenSSL's reason. `during` says when
// ("handshake", "GET /v1.41/version").
[[nodiscard]] std::string tls_error_text(const boost::system::error_code& ec, const std::string& endpoint,
                                         const engine_tls& tls, const std::string& during);
// A connection closed by the engine right after a completed handshake,
// before any answer: with TLS 1.3 the engine checks driftless's certificate
// only then, and its alert is lost when the close (a reset) overtakes it.
[[nodiscard]] std::string tls_dropped_text(const boost::system::error_code& ec, const std::string& endpoint,
                                           const engine_tls& tls, const std::string& during);

}  // namespace driftless::drivers::docker
