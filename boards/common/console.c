/* console.c: pb_console.h. One line at a time, in a fixed buffer; no allocation. */
#include <stdio.h>

#include "pb_console.h"
#include "port.h"

void pb_console_stored(const uint8_t owner[32], uint32_t height)
{
  char line[80];
  int n = snprintf(line, sizeof line, "badge: new card from %02x%02x%02x%02x, %lu block%s\r\n",
                   owner[0], owner[1], owner[2], owner[3], (unsigned long)height, height == 1 ? "" : "s");
  if (n > 0) port_serial_write((const uint8_t *)line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}
