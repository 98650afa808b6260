#include "watchers/inotify_events.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include <boost/asio/buffer.hpp>

namespace driftless::watchers {

namespace asio = boost::asio;

static_assert(alignof(inotify_event) <= 8, "the read buffer's alignment");

inotify_events::inotify_events(asio::any_io_executor executor, debounce::clock::duration quiet,
                               debounce::clock::duration max_delay, handlers h)
    : handlers_(std::move(h)), debounce_(quiet, max_delay), stream_(executor), timer_(executor) {}

std::string inotify_events::open() {
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return std::generic_category().message(errno);
    boost::system::error_code ec;
    stream_.assign(fd, ec);
    if (!ec) return {};
    ::close(fd);
    return ec.message();
}

void inotify_events::read() {
    stream_.async_read_some(asio::buffer(buffer_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                self->on_read(ec, n);
                            });
}

void inotify_events::on_read(const boost::system::error_code& ec, std::size_t n) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    if (ec) {
        close();
        handlers_.failed(ec.message());
        return;
    }
    bool wake = false;
    for (std::size_t at = 0; at + sizeof(inotify_event) <= n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer_.data() + at);
        at += sizeof(inotify_event) + event->len;
        if (handlers_.event(*event)) wake = true;
        if (stopped_) return;
    }
    if (handlers_.read_done) handlers_.read_done();
    if (wake) note();
    if (!stopped_ && stream_.is_open()) read();
}

void inotify_events::note() {
    if (stopped_) return;
    debounce_.on_event(debounce::clock::now());
    if (!armed_) arm();
}

// One wait at a time: when it fires early because later events moved the
// deadline, it waits again rather than being cancelled per event.
void inotify_events::arm() {
    armed_ = true;
    timer_.expires_at(debounce_.deadline());
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        self->armed_ = false;
        if (ec || self->stopped_) return;
        if (self->debounce_.take_if_due(debounce::clock::now())) {
            self->handlers_.burst();
        } else if (self->debounce_.pending()) {
            self->arm();
        }
    });
}

void inotify_events::close() {
    boost::system::error_code ignored;
    stream_.close(ignored);
}

void inotify_events::stop() {
    if (stopped_) return;
    stopped_ = true;
    debounce_.reset();
    timer_.cancel();
    close();
}

}  // namespace driftless::watchers
