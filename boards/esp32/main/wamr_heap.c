/*
 * wamr_heap.c: where WAMR allocates on the ESP32 (pb_core.h,
 * PB_CORE_BOARD_ALLOCATOR). The ESP32 allows at most 160 KB of static DRAM
 * and its heap comes in several regions, so the pool cannot be core.c's one
 * static array. Instead, once at start, one heap block of
 * CONFIG_PICOBADGE_WAMR_POOL_KB is taken and handed to WAMR's own ems
 * allocator (the allocator Alloc_With_Pool would use); WAMR 2.x's ESP-IDF
 * port puts each instance's 64 KiB linear memory in a block of its own
 * (os_mmap: heap_caps_malloc), which is why the pool holds everything else only.
 *
 * Invariant: after wamr_heap_init nothing here reaches the system allocator.
 */
#include <stdio.h>

#include "esp_heap_caps.h"
#include "sdkconfig.h"

#include "board.h"
#include "pb_core.h"

/* WAMR's allocator (core/shared/mem-alloc/mem_alloc.h, not among the component's public headers). */
typedef void *mem_allocator_t;
mem_allocator_t mem_allocator_create(void *mem, uint32_t size);
void *mem_allocator_malloc(mem_allocator_t allocator, uint32_t size);
void *mem_allocator_realloc(mem_allocator_t allocator, void *ptr, uint32_t size);
void mem_allocator_free(mem_allocator_t allocator, void *ptr);
int mem_allocator_get_alloc_info(mem_allocator_t allocator, void *mem_alloc_info);

struct alloc_info { uint32_t total_size, total_free_size, highmark_size; }; /* = wasm_export.h's mem_alloc_info_t */

static mem_allocator_t heap;

int wamr_heap_init(void)
{
  uint32_t size = (uint32_t)CONFIG_PICOBADGE_WAMR_POOL_KB * 1024u;
  void *block = heap_caps_malloc(size, MALLOC_CAP_8BIT | MALLOC_CAP_INTERNAL);
  if (!block || !(heap = mem_allocator_create(block, size))) {
    printf("picobadge-esp32: no heap block of %lu bytes for WAMR (the largest free is %lu): lower CONFIG_PICOBADGE_WAMR_POOL_KB or free RAM\n",
           (unsigned long)size, (unsigned long)heap_caps_get_largest_free_block(MALLOC_CAP_8BIT | MALLOC_CAP_INTERNAL));
    return -1;
  }
  return 0;
}

void *pb_board_wamr_malloc(unsigned int size) { return heap ? mem_allocator_malloc(heap, size) : NULL; }
void *pb_board_wamr_realloc(void *ptr, unsigned int size) { return heap ? mem_allocator_realloc(heap, ptr, size) : NULL; }
void pb_board_wamr_free(void *ptr) { if (heap && ptr) mem_allocator_free(heap, ptr); }

int64_t pb_board_wamr_high_water(void)
{
  struct alloc_info info;
  if (!heap) return -1;
  mem_allocator_get_alloc_info(heap, &info);
  return (int64_t)info.highmark_size;
}
