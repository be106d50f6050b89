from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_017(MlmarketCheck):
    rule_id = "CKV_MLM_017"


check = CKV_MLM_017()
