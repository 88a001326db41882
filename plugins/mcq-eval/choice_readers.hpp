// Readers of the multiple-choice benchmark files, each giving the questions in file order.
#pragma once

#include <filesystem>
#include <vector>

#include "choice_question.hpp"

namespace vlforge::mcq_eval {

// VLMEvalKit's TSV (MMBench_DEV_EN.tsv, MMStar.tsv, AI2D_TEST.tsv): index, question, hint,
// A, B, C, D (E, ...), answer, category, l2-category, image (base64; in MMBench's full files a
// short cell naming another row's index, whose image it shares). Required: index, question, image.
std::vector<ChoiceQuestion> read_choice_tsv(const std::filesystem::path& file);

// VLMEvalKit's MMMU_DEV_VAL.tsv: as above with options A..I, question_type "multiple-choice" or
// "open", and image one base64 string or a JSON list of them.
std::vector<ChoiceQuestion> read_mmmu_tsv(const std::filesystem::path& file);

// SEED-Bench.json: the image questions (data_type "image"; video ones are skipped), images from
// `images`/data_id, category the question type's name.
std::vector<ChoiceQuestion> read_seed_bench(const std::filesystem::path& file, const std::filesystem::path& images);

}  // namespace vlforge::mcq_eval
