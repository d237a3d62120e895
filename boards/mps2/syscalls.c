/*
 * syscalls.c: what newlib-nano asks of the system, on a board with no OS.
 * There is no heap: _sbrk refuses every request, so a malloc anywhere in
 * the firmware (newlib's included) fails instead of growing into the stack.
 * Output goes through port_serial_write, never through stdio.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

void *_sbrk(ptrdiff_t incr);
int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _lseek(int fd, int off, int whence);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _getpid(void);
int _kill(int pid, int sig);
void _exit(int code);

void *_sbrk(ptrdiff_t incr)
{
  (void)incr;
  errno = ENOMEM;
  return (void *)-1;
}

int _write(int fd, const char *buf, int len) { (void)fd; (void)buf; (void)len; errno = ENOSYS; return -1; }
int _read(int fd, char *buf, int len) { (void)fd; (void)buf; (void)len; errno = ENOSYS; return -1; }
int _close(int fd) { (void)fd; return -1; }
int _lseek(int fd, int off, int whence) { (void)fd; (void)off; (void)whence; return -1; }
int _fstat(int fd, struct stat *st) { (void)fd; st->st_mode = S_IFCHR; return 0; }
int _isatty(int fd) { (void)fd; return 1; }
int _getpid(void) { return 1; }
int _kill(int pid, int sig) { (void)pid; (void)sig; errno = EINVAL; return -1; }
void _exit(int code) { (void)code; for (;;) __asm__ volatile("wfi"); }
