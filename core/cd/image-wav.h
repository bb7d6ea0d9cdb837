/*
 * Writing WAV: the header of a CD audio file (16-bit stereo PCM at 44.1
 * kHz, the samples as a CD holds them, little-endian).
 */
#pragma once

#include <stdint.h>

#define IMAGE_WAV_HEADER_SIZE 44

/* The 44-byte RIFF header of a file of @data_bytes of CD audio into @out (the caller's). */
void image_wav_header(uint8_t *out, uint32_t data_bytes);
