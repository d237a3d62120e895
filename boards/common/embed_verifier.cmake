# Writes OUT, a C file holding IN (build/verifier.wasm) as
#   const unsigned char pb_verifier_wasm[]; const unsigned int pb_verifier_wasm_len;
# Run as: cmake -DIN=... -DOUT=... -P embed_verifier.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
if(len EQUAL 0)
  message(FATAL_ERROR "${IN} is empty: run npm run build")
endif()
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" bytes "${bytes}")
# Two targets of one build folder may run this at once (make -j): each writes its own temporary
# file and renames it over OUT, which is atomic, so OUT is always whole.
string(RANDOM LENGTH 12 tag)
file(WRITE "${OUT}.${tag}.tmp" "/* Generated from ${IN} by boards/native/embed_verifier.cmake: the resident verifier (docs/ABI.md, \"Who checks the app\"). */\nconst unsigned char pb_verifier_wasm[] = {\n${bytes}\n};\nconst unsigned int pb_verifier_wasm_len = ${len};\n")
file(RENAME "${OUT}.${tag}.tmp" "${OUT}")
