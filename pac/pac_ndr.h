/* SPDX-License-Identifier: MIT */
/*
 * pac_ndr.h - the NDR pieces MS-PAC uses, on top of the bounded reader.
 * Internal to pac/.
 *
 * All functions follow adb_rd's rules: on failure they record the first
 * error in the reader's diag, consume nothing they were not sure of, and
 * leave outputs untouched.  Alignment is relative to the start of the NDR
 * stream view returned by pac_ndr_envelope().
 */
#ifndef PAC_NDR_H
#define PAC_NDR_H

#include <stdbool.h>
#include <stdint.h>

#include "adb_arena.h"
#include "adb_rd.h"
#include "adb_sid.h"
#include "pac.h"

/*
 * MS-RPCE 2.2.6 Type Serialization Version 1:
 *   Common header:  Version(1)=0x01 Endianness(1)=0x10 CommonHeaderLength(2)=8
 *                   Filler(4)=0xCCCCCCCC
 *   Private header: ObjectBufferLength(4) (multiple of 8) Filler(4)
 * pac_ndr_envelope reads both headers from @buf, requires the buffer to end
 * exactly at 16 + ObjectBufferLength, and sets @stream to the NDR data.
 */
adb_err pac_ndr_envelope(adb_rd *buf, adb_rd *stream);

/*
 * pac_ndr_end - after the last deferred item: at most 7 bytes of padding may
 * remain before ObjectBufferLength (the stream is padded to 8); more is
 * malformed.
 */
adb_err pac_ndr_end(adb_rd *stream);

/* A unique pointer's referent id (MS-RPCE 14.3.12.3 / NDR 14.3.10):
 * *present = (id != 0).  The id's value carries no meaning.  (Inline: the
 * decoders read one per string and per array.) */
static inline adb_err pac_ndr_ptr(adb_rd *rd, const char *field,
                                  bool *present)
{
    uint32_t id = 0;
    adb_err ret;

    ret = adb_rd_align(rd, 4, field);
    if (!ret)
        ret = adb_rd_u32(rd, field, &id);
    if (!ret)
        *present = id != 0;
    return ret;
}

/*
 * RPC_UNICODE_STRING (MS-DTYP 2.3.10), inline part:
 *   USHORT Length; USHORT MaximumLength; [size_is(MaximumLength/2),
 *   length_is(Length/2)] WCHAR *Buffer;
 */
typedef struct pac_ndr_ustr {
    uint16_t length;
    uint16_t max_length;
    bool present;
} pac_ndr_ustr;

adb_err pac_ndr_ustr_hdr(adb_rd *rd, const char *field, pac_ndr_ustr *out);

/*
 * The deferred body of a pac_ndr_ustr: conformant varying array
 *   MaxCount(4) Offset(4)=0 ActualCount(4) WCHAR[ActualCount]
 * with MaxCount*2 == MaximumLength, ActualCount*2 == Length,
 * ActualCount <= MaxCount.  A string whose pointer was NULL yields NULL and
 * reads nothing (Length must then be 0).  *out is arena memory.
 */
adb_err pac_ndr_ustr_body(adb_rd *rd, const pac_ndr_ustr *hdr,
                          const char *field, adb_arena *arena,
                          const char **out);

/*
 * RPC_SID (MS-DTYP 2.4.2.3) as a conformant structure:
 *   MaxCount(4) = SubAuthorityCount, then the binary SID.
 */
adb_err pac_ndr_sid(adb_rd *rd, const char *field, adb_sid *out);

/*
 * Conformant array header: align 4, MaxCount(4) which must equal @count, and
 * @count * @elem_size bytes must remain (checked before any allocation).
 */
adb_err pac_ndr_array_hdr(adb_rd *rd, const char *field, uint32_t count,
                          size_t elem_size);

/*
 * GROUP_MEMBERSHIP array (MS-PAC 2.2.2) behind a pointer:
 *   MaxCount(4) then @count x { ULONG RelativeId; ULONG Attributes; }.
 * @count is capped at PAC_MAX_GROUPS.  *out is arena memory (non-NULL even
 * for @count 0).
 */
adb_err pac_ndr_groups(adb_rd *rd, const char *field, uint32_t count,
                       adb_arena *arena, const pac_group **out);

/*
 * KERB_SID_AND_ATTRIBUTES array (MS-PAC 2.2.1) behind a pointer:
 *   MaxCount(4), @count x { PISID Sid; ULONG Attributes; }, then each Sid's
 *   RPC_SID in index order.  A NULL Sid is malformed.
 */
adb_err pac_ndr_sid_attrs(adb_rd *rd, const char *field, uint32_t count,
                          adb_arena *arena, const pac_sid_attr **out);

/*
 * pac_ndr_count_ptr - check that a (count, pointer) pair is consistent:
 * a NULL pointer with count > 0 is malformed; @count above @cap is a limit
 * error.  @rd is only used to report.
 */
adb_err pac_ndr_count_ptr(adb_rd *rd, const char *field, uint32_t count,
                          bool present, uint32_t cap);

#endif /* PAC_NDR_H */
