# Runs in ctest after the tests of this folder are discovered: adds the label `tokenizer` to all
# of them, so that `ctest -L tokenizer` picks this suite.
foreach(test_list hf_bpe_tests_TESTS sentencepiece_tests_TESTS)
  if(${test_list})
    set_tests_properties(${${test_list}} PROPERTIES LABELS "unit;tokenizer")
  endif()
endforeach()
