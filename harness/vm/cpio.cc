#include "harness/vm/cpio.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cstdio>

namespace nsm {
namespace {

void Pad4(std::string& out) {
  while (out.size() % 4 != 0) out += '\0';
}

}  // namespace

void CpioWriter::Add(std::string_view path, mode_t mode, std::string_view data) {
  char header[111];
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
  // rdevmajor, rdevminor, namesize (with its NUL), check
  snprintf(header, sizeof(header), "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
           next_ino_++, static_cast<unsigned>(mode), 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u,
           data.size(), 0u, 0u, 0u, 0u, path.size() + 1, 0u);
  out_.append(header, 110);
  out_.append(path);
  out_ += '\0';
  Pad4(out_);
  out_.append(data);
  Pad4(out_);
}

void CpioWriter::AddDirectory(std::string_view path, mode_t perm) {
  Add(path, S_IFDIR | perm, {});
}

void CpioWriter::AddFile(std::string_view path, std::string_view data, mode_t perm) {
  Add(path, S_IFREG | perm, data);
}

void CpioWriter::AddSymlink(std::string_view path, std::string_view target) {
  Add(path, S_IFLNK | 0777, target);
}

std::string CpioWriter::Finish() && {
  Add("TRAILER!!!", 0, {});
  return std::move(out_);
}

Result<std::string> Gzip(std::string_view data, int level) {
  z_stream z{};
  // 15 window bits + 16: a gzip header and trailer, not a zlib one.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Fail(0, "deflateInit2", "gzip");
  }
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Fail(0, "deflate", "gzip: " + std::to_string(rc));
  return out;
}

Result<std::string> Gunzip(std::string_view data, size_t limit) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return Fail(0, "inflateInit2", "gunzip");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    char chunk[1 << 16];
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof(chunk);
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(chunk, sizeof(chunk) - z.avail_out);
    if (out.size() > limit) rc = Z_MEM_ERROR;
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // input ended before the stream did
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) {
    return Fail(0, "inflate",
                rc == Z_MEM_ERROR ? "more than " + std::to_string(limit) + " bytes"
                                  : "not a complete gzip stream");
  }
  return out;
}

}  // namespace nsm
